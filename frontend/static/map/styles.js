// How each map layer's features are drawn on a tile canvas, and how big they
// are for clicks. Coordinates arrive in tile units; `k` turns them into pixels.

export const STAGE_COLORS = {
  detected: '#2563eb',
  suspended: '#d97706',
  halted: '#7c3aed',
  legalising: '#0d9488',
  conformity_check: '#0891b2',
  self_demolition: '#92400e',
  enforcement: '#111827',
  transferred: '#6b7280',
  closed: '#16a34a',
};
// Red is kept for "overdue" alone, so it stands out whatever the stage colour.
export const OVERDUE_COLOR = '#dc2626';
const FALLBACK = '#475569';

export function stageColor(stage) {
  return STAGE_COLORS[stage] || FALLBACK;
}

// A cluster of one is drawn (and clicked) like the case it holds.
function isCluster(feature) {
  return feature.properties.n !== undefined && feature.properties.n > 1;
}

function isOverdue(props) {
  return props.overdue === true || props.overdue_n > 0;
}

export function clusterRadius(n) {
  return 8 + Math.min(13, 4.5 * Math.log10(Math.max(1, n)));
}

// Pixel radius used both to draw a case and to hit it with a click.
export function caseRadius(feature) {
  if (isCluster(feature)) return clusterRadius(feature.properties.n) + 3;
  return isOverdue(feature.properties) ? 10 : 8;
}

function shortCount(n) {
  if (n >= 10000) return `${Math.round(n / 1000)}k`;
  if (n >= 1000) return `${(n / 1000).toFixed(1)}k`;
  return String(n);
}

export function drawCase(ctx, feature, k) {
  const p = feature.rings[0] && feature.rings[0][0];
  if (!p) return;
  const x = p.x * k;
  const y = p.y * k;
  const props = feature.properties;
  if (isCluster(feature)) {
    const r = clusterRadius(props.n);
    if (props.overdue_n > 0) {
      ctx.beginPath();
      ctx.arc(x, y, r + 3, 0, 2 * Math.PI);
      ctx.lineWidth = 3;
      ctx.strokeStyle = OVERDUE_COLOR;
      ctx.stroke();
    }
    ctx.beginPath();
    ctx.arc(x, y, r, 0, 2 * Math.PI);
    ctx.globalAlpha = 0.88;
    ctx.fillStyle = stageColor(props.stage);
    ctx.fill();
    ctx.globalAlpha = 1;
    ctx.lineWidth = 1.5;
    ctx.strokeStyle = '#ffffff';
    ctx.stroke();
    ctx.fillStyle = '#ffffff';
    ctx.font = 'bold 11px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(shortCount(props.n), x, y + 0.5);
    if (props.overdue_n > 0) {
      // A small red badge with the overdue count, top right.
      const bx = x + r * 0.8;
      const by = y - r * 0.8;
      const label = shortCount(props.overdue_n);
      const w = Math.max(12, 6 + 6 * label.length);
      ctx.fillStyle = OVERDUE_COLOR;
      ctx.beginPath();
      ctx.roundRect(bx - w / 2, by - 7, w, 14, 7);
      ctx.fill();
      ctx.fillStyle = '#ffffff';
      ctx.font = 'bold 9px system-ui, sans-serif';
      ctx.fillText(label, bx, by + 0.5);
    }
    return;
  }
  const overdue = isOverdue(props);
  if (overdue) {
    ctx.beginPath();
    ctx.arc(x, y, 9, 0, 2 * Math.PI);
    ctx.fillStyle = '#ffffff';
    ctx.fill();
    ctx.lineWidth = 3;
    ctx.strokeStyle = OVERDUE_COLOR;
    ctx.stroke();
  }
  ctx.beginPath();
  ctx.arc(x, y, 6, 0, 2 * Math.PI);
  ctx.fillStyle = stageColor(props.stage);
  ctx.fill();
  ctx.lineWidth = 1.5;
  ctx.strokeStyle = '#ffffff';
  ctx.stroke();
  if (overdue) {
    ctx.fillStyle = '#ffffff';
    ctx.font = 'bold 9px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText('!', x, y + 0.5);
  }
}

function tracePolygon(ctx, feature, k) {
  ctx.beginPath();
  for (const ring of feature.rings) {
    ring.forEach((p, i) => {
      if (i === 0) ctx.moveTo(p.x * k, p.y * k);
      else ctx.lineTo(p.x * k, p.y * k);
    });
    ctx.closePath();
  }
}

const PERMIT_COLORS = { valid: '#15803d', expired: '#b45309', revoked: '#6b7280' };

export function drawPermit(ctx, feature, k) {
  const color = PERMIT_COLORS[feature.properties.status] || PERMIT_COLORS.valid;
  tracePolygon(ctx, feature, k);
  ctx.globalAlpha = 0.14;
  ctx.fillStyle = color;
  ctx.fill('evenodd');
  ctx.globalAlpha = 1;
  ctx.lineWidth = 1;
  ctx.strokeStyle = color;
  ctx.stroke();
}

export function drawWard(ctx, feature, k) {
  tracePolygon(ctx, feature, k);
  ctx.setLineDash([]);
  ctx.lineWidth = 4;
  ctx.strokeStyle = 'rgba(255, 255, 255, 0.7)';
  ctx.stroke();
  ctx.setLineDash([7, 4]);
  ctx.lineWidth = 2;
  ctx.strokeStyle = '#12355b';
  ctx.stroke();
  ctx.setLineDash([]);
}

// Construction sites by status (squares, so they read apart from the case dots).
export const SITE_STATUS_COLORS = {
  not_started: '#94a3b8',
  started: '#0ea5e9',
  foundation: '#a16207',
  structure: '#ea580c',
  finishing: '#7c3aed',
  completed: '#16a34a',
  abandoned: '#475569',
  permit_expired: '#be185d',
};
export const DUE_COLOR = '#f59e0b';

export function siteColor(status) {
  return SITE_STATUS_COLORS[status] || FALLBACK;
}

export function siteRadius(feature) {
  const inspection = feature.properties.inspection;
  return inspection === 'overdue' || inspection === 'due' ? 10 : 8;
}

export function drawSite(ctx, feature, k) {
  const p = feature.rings[0] && feature.rings[0][0];
  if (!p) return;
  const x = p.x * k;
  const y = p.y * k;
  const inspection = feature.properties.inspection;
  const ring = inspection === 'overdue' ? OVERDUE_COLOR : inspection === 'due' ? DUE_COLOR : null;
  if (ring) {
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(x - 9, y - 9, 18, 18);
    ctx.lineWidth = 3;
    ctx.strokeStyle = ring;
    ctx.strokeRect(x - 9, y - 9, 18, 18);
  }
  ctx.fillStyle = siteColor(feature.properties.status);
  ctx.fillRect(x - 5.5, y - 5.5, 11, 11);
  ctx.lineWidth = 1.5;
  ctx.strokeStyle = '#ffffff';
  ctx.strokeRect(x - 5.5, y - 5.5, 11, 11);
}

// Citizens' reports by status (diamonds, apart from case dots and site squares);
// an open report past its response date gets the red ring of "overdue".
export const TIP_STATUS_COLORS = {
  received: '#e11d48',
  verifying: '#f97316',
  case_opened: '#2563eb',
  not_violation: '#64748b',
  merged: '#94a3b8',
  spam: '#cbd5e1',
};

export function tipColor(status) {
  return TIP_STATUS_COLORS[status] || FALLBACK;
}

export function tipRadius(feature) {
  return feature.properties.overdue === true ? 10 : 8;
}

function traceDiamond(ctx, x, y, r) {
  ctx.beginPath();
  ctx.moveTo(x, y - r);
  ctx.lineTo(x + r, y);
  ctx.lineTo(x, y + r);
  ctx.lineTo(x - r, y);
  ctx.closePath();
}

export function drawTip(ctx, feature, k) {
  const p = feature.rings[0] && feature.rings[0][0];
  if (!p) return;
  const x = p.x * k;
  const y = p.y * k;
  if (feature.properties.overdue === true) {
    ctx.beginPath();
    ctx.arc(x, y, 10, 0, 2 * Math.PI);
    ctx.fillStyle = '#ffffff';
    ctx.fill();
    ctx.lineWidth = 3;
    ctx.strokeStyle = OVERDUE_COLOR;
    ctx.stroke();
  }
  traceDiamond(ctx, x, y, 7);
  ctx.fillStyle = tipColor(feature.properties.status);
  ctx.fill();
  ctx.lineWidth = 1.5;
  ctx.strokeStyle = '#ffffff';
  ctx.stroke();
}
