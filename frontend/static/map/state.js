// The map's view and filters live in the address bar, so a link shows the
// same place and the same selection (within the reader's own access). The
// names are the case query's, which the case list, the API and the exports
// read too; links sent with the map's first names (type, from, to) still open.

const FILTER_KEYS = ['stage', 'violation_type', 'overdue', 'detected_from', 'detected_to', 'ward'];

function either(params, name, oldName) {
  return params.get(name) || params.get(oldName) || '';
}

function number(value, min, max) {
  if (value === null || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) && n >= min && n <= max ? n : null;
}

function isoDate(value) {
  return /^\d{4}-\d{2}-\d{2}$/.test(value || '') ? value : '';
}

export function readState(search) {
  const params = new URLSearchParams(search);
  const lat = number(params.get('lat'), -85, 85);
  const lon = number(params.get('lon'), -180, 180);
  const z = number(params.get('z'), 0, 22);
  const stages = (params.get('stage') || '').split(',').map((s) => s.trim()).filter(Boolean);
  return {
    view: lat !== null && lon !== null && z !== null ? { lat, lon, z } : null,
    filters: {
      stage: stages,
      type: either(params, 'violation_type', 'type'),
      overdue: params.get('overdue') === '1',
      from: isoDate(either(params, 'detected_from', 'from')),
      to: isoDate(either(params, 'detected_to', 'to')),
      ward: params.get('ward') || '',
    },
  };
}

// The filters as the query string every map endpoint understands.
export function filterParams(filters) {
  const params = new URLSearchParams();
  if (filters.stage.length) params.set('stage', filters.stage.join(','));
  if (filters.type) params.set('violation_type', filters.type);
  if (filters.overdue) params.set('overdue', '1');
  if (filters.from) params.set('detected_from', filters.from);
  if (filters.to) params.set('detected_to', filters.to);
  if (filters.ward) params.set('ward', filters.ward);
  return params;
}

export function writeState(map, filters) {
  const center = map.getCenter();
  const params = filterParams(filters);
  const ordered = new URLSearchParams();
  ordered.set('lat', center.lat.toFixed(5));
  ordered.set('lon', center.lng.toFixed(5));
  ordered.set('z', String(map.getZoom()));
  for (const key of FILTER_KEYS) {
    if (params.has(key)) ordered.set(key, params.get(key));
  }
  const url = `${window.location.pathname}?${ordered.toString()}`;
  if (url !== `${window.location.pathname}${window.location.search}`) {
    window.history.replaceState(null, '', url);
  }
}

// Dates are typed dd/mm/yyyy (as on every Vietnamese document) and travel
// as YYYY-MM-DD. An unreadable date is flagged on its field and ignored.
function typedDate(field) {
  if (!field) return '';
  const text = field.value.trim();
  const match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  let iso = '';
  if (match) {
    const [, d, m, y] = match.map(Number);
    const date = new Date(Date.UTC(y, m - 1, d));
    if (date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d) {
      iso = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
    }
  }
  field.setCustomValidity(text && !iso ? field.placeholder : '');
  field.classList.toggle('invalid', Boolean(text && !iso));
  return iso;
}

function shownDate(iso) {
  if (!iso) return '';
  const [y, m, d] = iso.split('-');
  return `${d}/${m}/${y}`;
}

export function readForm(form) {
  const data = new FormData(form);
  return {
    stage: data.getAll('stage'),
    type: data.get('type') || '',
    overdue: data.get('overdue') === '1',
    from: typedDate(form.elements.namedItem('from')),
    to: typedDate(form.elements.namedItem('to')),
    ward: data.get('ward') || '',
  };
}

export function fillForm(form, filters) {
  for (const box of form.querySelectorAll('input[name="stage"]')) {
    box.checked = filters.stage.includes(box.value);
  }
  const set = (name, value) => {
    const field = form.elements.namedItem(name);
    if (!field) return;
    if (field.type === 'checkbox') field.checked = Boolean(value);
    else field.value = value;
    // An unknown option (e.g. a ward not shown to this user) leaves it blank.
    if (field.tagName === 'SELECT' && field.value !== value) field.value = '';
  };
  set('type', filters.type);
  set('overdue', filters.overdue);
  set('from', shownDate(filters.from));
  set('to', shownDate(filters.to));
  set('ward', filters.ward);
}
