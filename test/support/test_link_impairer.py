"""Unit tests of link_impairer.Direction (when frames leave), run by test/unit/link-impairer.test.ts."""
import random
import unittest

from link_impairer import Direction


def direction(**profile):
    d = Direction(random.Random(7))
    d.configure(profile)
    return d


class DirectionTest(unittest.TestCase):
    def test_delay(self):
        self.assertAlmostEqual(direction(delay_ms=50).schedule(10.0, 1000), 10.05)

    def test_jitter_stays_in_range_and_never_reorders(self):
        d = direction(delay_ms=50, jitter_ms=20)
        dues = [d.schedule(i * 0.001, 100) for i in range(2000)]
        self.assertEqual(dues, sorted(dues))
        delays = [due - i * 0.001 for i, due in enumerate(dues)]
        self.assertGreaterEqual(min(delays), 0.030 - 1e-9)
        self.assertLess(max(delays), 0.071)
        self.assertGreater(max(delays) - min(delays), 0.02)

    def test_loss_rate(self):
        d = direction(loss=0.03)
        lost = sum(d.schedule(i * 0.001, 100) is None for i in range(20000))
        self.assertTrue(450 < lost < 750, lost)
        self.assertEqual(d.counts["lost"], lost)

    def test_rate_cap_serialises_and_drops_tail(self):
        d = direction(rate_kbps=1000, queue_ms=100)
        # 1250 bytes take 10 ms at 1 Mbps: a burst of 30 fills 100 ms of queue, the rest is dropped.
        dues = [d.schedule(0.0, 1250) for _ in range(30)]
        passed = [x for x in dues if x is not None]
        self.assertEqual(len(passed), 11)
        self.assertAlmostEqual(passed[-1], 0.11)
        self.assertEqual(d.counts["queue_full"], 19)

    def test_down_drops_everything_until_up(self):
        d = direction(down=True)
        self.assertIsNone(d.schedule(0.0, 100))
        d.configure({"down": False})
        self.assertEqual(d.schedule(1.0, 100), 1.0)

    def test_unknown_keys_are_refused(self):
        with self.assertRaises(ValueError):
            direction(dealy_ms=5)


if __name__ == "__main__":
    unittest.main()
