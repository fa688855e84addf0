// @ts-check
// Param controls rendered from a transform's specs (number -> slider, boolean -> checkbox,
// choice -> dropdown). Shared by the camera page and the panel; no framework.

/**
 * @param {{name: string, label: string, type: 'number'|'boolean'|'choice', min?: number, max?: number, step?: number, choices?: string[], default: unknown}[]} specs
 * @param {Record<string, unknown>} values  current values, updated in place on input
 * @param {() => void} onChange
 * @returns {HTMLLabelElement[]}
 */
export function paramControls(specs, values, onChange) {
  return specs.map((spec) => {
    const label = document.createElement('label');
    label.textContent = spec.label;
    let input;
    if (spec.type === 'choice') {
      input = document.createElement('select');
      input.append(...spec.choices.map((c) => new Option(c, c)));
      input.value = values[spec.name] ?? spec.default;
    } else {
      input = document.createElement('input');
      input.type = spec.type === 'boolean' ? 'checkbox' : 'range';
      if (spec.type === 'number') Object.assign(input, { min: spec.min, max: spec.max, step: spec.step, value: values[spec.name] ?? spec.default });
      else input.checked = values[spec.name] ?? spec.default;
    }
    input.name = spec.name;
    input.addEventListener('input', () => {
      values[spec.name] = spec.type === 'number' ? Number(input.value) : spec.type === 'boolean' ? input.checked : input.value;
      onChange();
    });
    label.append(input);
    return label;
  });
}
