// Popup contents for a case, a cluster and a permit parcel. Built from DOM
// nodes with textContent: nothing from the server is parsed as HTML.

import {
  DUE_COLOR, OVERDUE_COLOR, siteColor, stageColor, tipColor,
} from './styles.js';

export function fill(template, values) {
  return template.replace(/%\((\w+)\)s/g, (_, key) => String(values[key] ?? ''));
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

function row(list, label, value) {
  if (value === undefined || value === null || value === '') return null;
  list.append(el('dt', null, label));
  const dd = el('dd');
  if (value instanceof Node) dd.append(value);
  else dd.textContent = String(value);
  list.append(dd);
  return dd;
}

export function deadlineText(data, labels) {
  if (!data.stage_deadline_display) return labels.noDeadline;
  if (data.days_left === null || data.days_left === undefined) return data.stage_deadline_display;
  if (data.days_left < 0) {
    return `${data.stage_deadline_display} · ${fill(labels.overdueBy, { n: -data.days_left })}`;
  }
  if (data.days_left === 0) return `${data.stage_deadline_display} · ${labels.dueToday}`;
  return `${data.stage_deadline_display} · ${fill(labels.daysLeft, { n: data.days_left })}`;
}

function photoStrip(photos, labels) {
  const strip = el('div', 'popup-photos');
  if (!photos.length) {
    strip.append(el('p', 'muted', labels.noPhotos));
    return strip;
  }
  for (const photo of photos) {
    const figure = el('figure', 'popup-photo');
    if (photo.thumbnail) {
      const link = el('a');
      link.href = photo.preview || photo.thumbnail;
      link.target = '_blank';
      link.rel = 'noopener';
      const img = el('img');
      img.src = photo.thumbnail;
      img.alt = photo.taken || '';
      img.loading = 'lazy';
      img.addEventListener('error', () => {
        link.replaceWith(el('span', 'photo-missing', labels.photoUnavailable));
      });
      link.append(img);
      figure.append(link);
    } else {
      figure.append(el('span', 'photo-missing', labels.photoUnavailable));
    }
    if (typeof photo.bearing === 'number') {
      const arrow = el('span', 'photo-bearing', '↑');
      arrow.style.transform = `rotate(${photo.bearing}deg)`;
      arrow.title = fill(labels.cameraFacing, { deg: Math.round(photo.bearing) });
      figure.append(arrow);
    }
    if (photo.taken) figure.append(el('figcaption', null, photo.taken));
    strip.append(figure);
  }
  return strip;
}

export function casePopup(data, labels) {
  const root = el('div', 'ttxd-popup case-popup');
  root.dataset.caseId = String(data.id);
  const title = el('h3');
  const link = el('a', null, data.code);
  link.href = data.url;
  title.append(link);
  root.append(title);
  const list = el('dl');
  row(list, labels.type, data.violation_type_label);
  const stage = el('span', 'popup-stage');
  const dot = el('span', 'stage-swatch');
  dot.style.background = stageColor(data.stage);
  stage.append(dot, document.createTextNode(data.stage_label));
  row(list, labels.stage, stage);
  const deadline = row(list, labels.deadline, deadlineText(data, labels));
  if (data.overdue && deadline) {
    deadline.classList.add('overdue');
    deadline.style.color = OVERDUE_COLOR;
  }
  const basis = [data.deadline_rule, data.deadline_basis].filter(Boolean).join(' — ');
  const basisCell = row(list, labels.legalBasis, basis);
  if (basisCell) basisCell.classList.add('legal-basis');
  row(list, labels.inspector, data.assigned_inspector || labels.unassigned);
  row(list, labels.address, data.address);
  row(list, labels.ward, data.ward);
  row(list, labels.permit, data.permit);
  row(list, labels.detected, data.detected_on);
  root.append(list);
  root.append(photoStrip(data.photos || [], labels));
  const open = el('a', 'popup-button', labels.openCase);
  open.href = data.url;
  root.append(open);
  return root;
}

export function clusterPopup(properties, labels) {
  const root = el('div', 'ttxd-popup cluster-popup');
  root.append(el('p', null, fill(labels.casesInCluster, { n: properties.n })));
  if (properties.overdue_n > 0) {
    const overdue = el('p', 'overdue', fill(labels.overdueInCluster, { n: properties.overdue_n }));
    overdue.style.color = OVERDUE_COLOR;
    root.append(overdue);
  }
  return root;
}

export function permitPopup(data, labels) {
  const root = el('div', 'ttxd-popup permit-popup');
  root.dataset.permitId = String(data.id);
  root.append(el('h3', null, `${labels.permitNumber} ${data.number}`));
  const list = el('dl');
  row(list, labels.holder, data.holder_name);
  row(list, labels.address, data.address);
  row(list, labels.issuedBy, data.issuing_authority);
  row(list, labels.issuedOn, data.issued_on);
  row(list, labels.expiresOn, data.expires_on);
  row(list, labels.status, data.status_label);
  const parcel = [data.map_sheet, data.parcel_number].filter(Boolean).join(' / ');
  row(list, labels.parcel, parcel);
  row(list, labels.storeys, data.permitted_storeys);
  row(list, labels.height, data.permitted_height_m);
  row(list, labels.floorArea, data.permitted_floor_area_m2);
  row(list, labels.worksClass, data.works_class);
  row(list, labels.ward, data.ward);
  root.append(list);
  if (data.site_url) {
    const open = el('a', 'popup-button', `${labels.openSite} (${data.site_status_label})`);
    open.href = data.site_url;
    root.append(open);
  }
  return root;
}

export function sitePopup(data, labels) {
  const root = el('div', 'ttxd-popup site-popup');
  root.dataset.siteId = String(data.id);
  const title = el('h3');
  const link = el('a', null, data.address || `${labels.site} #${data.id}`);
  link.href = data.url;
  title.append(link);
  root.append(title);
  const list = el('dl');
  const status = el('span', 'popup-stage');
  const dot = el('span', 'site-swatch');
  dot.style.background = siteColor(data.status);
  status.append(dot, document.createTextNode(` ${data.status_label} · ${data.status_since}`));
  row(list, labels.siteStatus, status);
  row(list, labels.origin, data.origin_label);
  row(list, labels.owner, data.owner_name);
  row(list, labels.permit, data.permit);
  const storeys = data.permitted_storeys !== null && data.permitted_storeys !== undefined
    ? `${data.storeys_built ?? '–'} / ${data.permitted_storeys}`
    : data.storeys_built;
  row(list, labels.storeysBuilt, storeys);
  let due = data.next_visit_due;
  if (due && data.inspection === 'overdue') due = `${due} · ${labels.inspectionOverdue}`;
  else if (due && data.inspection === 'due') due = `${due} · ${labels.inspectionDue}`;
  const dueCell = row(list, labels.nextVisit, due);
  if (dueCell && data.inspection === 'overdue') {
    dueCell.classList.add('overdue');
    dueCell.style.color = OVERDUE_COLOR;
  } else if (dueCell && data.inspection === 'due') {
    dueCell.style.color = DUE_COLOR;
  }
  row(list, labels.lastVisit, data.last_visit_on || labels.notVisited);
  row(list, labels.ward, data.ward);
  root.append(list);
  const open = el('a', 'popup-button', labels.openSite);
  open.href = data.url;
  root.append(open);
  return root;
}

// A citizen's report, from its tile feature alone (no personal data is in the tile).
export function tipPopup(feature, config, labels) {
  const props = feature.properties;
  const root = el('div', 'ttxd-popup tip-popup');
  root.dataset.tipId = String(feature.id);
  const url = config.urls.tipPage.replace(config.idPlaceholder, String(feature.id));
  const title = el('h3');
  const link = el('a', null, props.code || `${labels.tip} #${feature.id}`);
  link.href = url;
  title.append(link);
  root.append(title);
  const list = el('dl');
  const status = el('span', 'popup-stage');
  const dot = el('span', 'tip-swatch');
  dot.style.background = tipColor(props.status);
  status.append(dot, document.createTextNode(` ${config.tipStatuses[props.status] || props.status}`));
  row(list, labels.status, status);
  row(list, labels.tipCategory, config.tipCategories[props.category] || props.category);
  const received = typeof props.received === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(props.received)
    ? props.received.split('-').reverse().join('/')
    : props.received;
  row(list, labels.tipReceived, received);
  if (props.overdue === true) {
    const late = row(list, labels.tipResponse, labels.tipOverdue);
    late.classList.add('overdue');
    late.style.color = OVERDUE_COLOR;
  }
  root.append(list);
  const open = el('a', 'popup-button', labels.openTip);
  open.href = url;
  root.append(open);
  return root;
}

export function messagePopup(text) {
  return el('div', 'ttxd-popup', text);
}
