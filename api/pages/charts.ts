import * as echarts from 'echarts';
import { type Html, trustedSvg } from './html';

/**
 * Charts drawn by Apache ECharts on the server (its SSR SVG renderer): the page carries a plain
 * SVG, so it needs no script (Helmet's CSP stays strict) and the figures are also in a table
 * beside it for anyone reading without the chart. ECharts escapes the labels it draws.
 */
function svgChart(option: echarts.EChartsOption, width: number, height: number, label: string): Html {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, aria: { enabled: true, label: { description: label } }, ...option });
    return trustedSvg(chart.renderToSVGString());
  } finally {
    chart.dispose();
  }
}

/** Days spent in each stage so far (the current one up to now), one horizontal bar per stage. */
export function stageDaysChart(stages: { name: string; days: number; current: boolean }[]): Html {
  return svgChart(
    {
      grid: { left: 140, right: 30, top: 10, bottom: 30 },
      xAxis: { type: 'value', name: 'days', minInterval: 1 },
      yAxis: { type: 'category', data: stages.map((s) => s.name), inverse: true },
      series: [
        {
          type: 'bar',
          data: stages.map((s) => ({ value: s.days, itemStyle: { color: s.current ? '#2456a6' : '#8fb0e0' } })),
          label: { show: true, position: 'right' },
        },
      ],
    },
    640,
    Math.max(120, 40 + stages.length * 34),
    'Days in each stage',
  );
}

/** Each CSM's load against capacity. */
export function loadChart(csms: { name: string; load: number; capacity: number }[]): Html {
  return svgChart(
    {
      legend: { data: ['load', 'capacity'], bottom: 0 },
      grid: { left: 120, right: 30, top: 10, bottom: 40 },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: csms.map((c) => c.name), inverse: true },
      series: [
        { name: 'load', type: 'bar', data: csms.map((c) => c.load), itemStyle: { color: '#2456a6' } },
        { name: 'capacity', type: 'bar', data: csms.map((c) => c.capacity), itemStyle: { color: '#c9d6ec' } },
      ],
    },
    640,
    Math.max(140, 60 + csms.length * 40),
    'CSM load against capacity',
  );
}

/** Each milestone's target day against the day it was achieved (from closed-won), so a late one stands out. */
export function milestoneTargetsChart(milestones: { name: string; targetDay: number; achievedDay?: number }[]): Html {
  return svgChart(
    {
      legend: { data: ['target day', 'achieved on day'], bottom: 0 },
      grid: { left: 160, right: 30, top: 10, bottom: 40 },
      xAxis: { type: 'value', name: 'day', minInterval: 1 },
      yAxis: { type: 'category', data: milestones.map((m) => m.name), inverse: true },
      series: [
        { name: 'target day', type: 'bar', data: milestones.map((m) => m.targetDay), itemStyle: { color: '#c9d6ec' } },
        {
          name: 'achieved on day',
          type: 'bar',
          data: milestones.map((m) => m.achievedDay ?? null),
          itemStyle: { color: '#1d7a46' },
        },
      ],
    },
    640,
    Math.max(160, 60 + milestones.length * 40),
    'Milestones: target day against the day achieved',
  );
}

/** How many onboardings reached first value in each week after closed-won (the last bar: 12 weeks or more). */
export function ttvHistogramChart(buckets: { label: string; count: number }[]): Html {
  return svgChart(
    {
      grid: { left: 50, right: 20, top: 20, bottom: 50 },
      xAxis: {
        type: 'category',
        data: buckets.map((b) => b.label),
        name: 'days to first value',
        nameLocation: 'middle',
        nameGap: 32,
        axisLabel: { interval: 0, fontSize: 10 },
      },
      yAxis: { type: 'value', name: 'onboardings', minInterval: 1 },
      series: [
        {
          type: 'bar',
          data: buckets.map((b) => b.count),
          itemStyle: { color: '#2456a6' },
          label: { show: true, position: 'top', formatter: (p) => (Number(p.value) > 0 ? String(p.value) : '') },
        },
      ],
    },
    640,
    260,
    'Time to value: onboardings by days from closed-won to first value',
  );
}

/** The median days onboardings spent in each stage, in journey order. */
export function stageMediansChart(stages: { stage: string; medianDays: number }[]): Html {
  return svgChart(
    {
      grid: { left: 140, right: 40, top: 10, bottom: 30 },
      xAxis: { type: 'value', name: 'days' },
      yAxis: { type: 'category', data: stages.map((s) => s.stage), inverse: true },
      series: [
        {
          type: 'bar',
          data: stages.map((s) => Math.round(s.medianDays * 10) / 10),
          itemStyle: { color: '#2456a6' },
          label: { show: true, position: 'right' },
        },
      ],
    },
    640,
    Math.max(120, 40 + stages.length * 34),
    'Median days in each stage',
  );
}

/** Each tier's median TTV beside what it is compared with (the baseline or another cohort). */
export function ttvComparisonChart(
  tiers: { tier: string; mine: number | null; against: number | null }[],
  names: { mine: string; against: string },
): Html {
  const round = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);
  return svgChart(
    {
      legend: { data: [names.mine, names.against], bottom: 0, itemGap: 24 },
      grid: { left: 110, right: 40, top: 10, bottom: 40 },
      xAxis: { type: 'value', name: 'days' },
      yAxis: { type: 'category', data: tiers.map((t) => t.tier), inverse: true },
      series: [
        {
          name: names.mine,
          type: 'bar',
          data: tiers.map((t) => round(t.mine)),
          itemStyle: { color: '#2456a6' },
          label: { show: true, position: 'right' },
        },
        {
          name: names.against,
          type: 'bar',
          data: tiers.map((t) => round(t.against)),
          itemStyle: { color: '#9aa5b8' },
          label: { show: true, position: 'right' },
        },
      ],
    },
    640,
    Math.max(140, 60 + tiers.length * 50),
    `Median time to value by tier: ${names.mine} against ${names.against}`,
  );
}
