// @ts-check
// Param controls rendered from a transform's specs (number -> slider, boolean -> checkbox,
// choice -> dropdown). Shared by the camera page and the panel; no framework.

/**
 * A filter in a dropdown; one that cannot run (a model whose files are missing) says so, and why on hover.
 * @param {import('./api-types').TransformInfo} transform
 */
export function transformOption(transform) {
  const option = new Option(transform.error ? `${transform.label} (unavailable)` : transform.label, transform.id);
  if (transform.error) option.title = transform.error;
  return option;
}

/**
 * @param {import('./api-types').ParamSpec[]} specs
 * @param {Record<string, unknown>} values  current values, updated in place on input
 * @param {() => void} onChange
 * @returns {HTMLLabelElement[]}
 */
export function paramControls(specs, values, onChange) {
  return specs.map((spec) => {
    const label = document.createElement('label');
    label.textContent = spec.label;
    const value = values[spec.name] ?? spec.default;
    /** @type {HTMLInputElement | HTMLSelectElement} */
    let input;
    /** @type {HTMLInputElement | undefined} */
    let box;
    if (spec.type === 'choice') {
      const select = document.createElement('select');
      select.append(...spec.choices.map((c) => new Option(c, c)));
      select.value = String(value);
      input = select;
    } else {
      input = box = document.createElement('input');
      box.type = spec.type === 'boolean' ? 'checkbox' : 'range';
      if (spec.type === 'number') Object.assign(box, { min: spec.min, max: spec.max, step: spec.step, value });
      else box.checked = Boolean(value);
    }
    input.name = spec.name;
    input.addEventListener('input', () => {
      values[spec.name] = spec.type === 'number' ? Number(input.value) : spec.type === 'boolean' ? box.checked : input.value;
      onChange();
    });
    label.append(input);
    return label;
  });
}
