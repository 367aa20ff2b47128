import { Resvg } from '@resvg/resvg-js';
import * as echarts from 'echarts';
import type { SummaryReport } from '../domain/summary-report';

/** A chart of a report; `cid` names its image in the HTML mail (`<img src="cid:...">`). */
export interface ReportChart {
  cid: string;
  title: string;
  option: echarts.EChartsCoreOption;
}

const WIDTH = 640;
const HEIGHT = 280;

/** The report's charts: starts and completions per day; open blockers per decision owner, when there are any. */
export function chartsOf(report: SummaryReport): ReportChart[] {
  const charts: ReportChart[] = [
    {
      cid: 'daily-onboardings@summary-report',
      title: 'Onboardings started and completed per day',
      option: barOption(
        report.daily.map((d) => d.date.slice(5)),
        [
          { name: 'Started', data: report.daily.map((d) => d.started) },
          { name: 'Completed', data: report.daily.map((d) => d.completed) },
        ],
      ),
    },
  ];
  if (report.blockers.length > 0) {
    const perOwner = new Map<string, number>();
    for (const b of report.blockers) perOwner.set(b.owner, (perOwner.get(b.owner) ?? 0) + 1);
    charts.push({
      cid: 'blockers-by-owner@summary-report',
      title: 'Open blockers per decision owner',
      option: barOption([...perOwner.keys()], [{ name: 'Open blockers', data: [...perOwner.values()] }]),
    });
  }
  return charts;
}

function barOption(categories: string[], series: Array<{ name: string; data: number[] }>): echarts.EChartsCoreOption {
  return {
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: 'DejaVu Sans, Arial, sans-serif' },
    legend: { top: 4 },
    grid: { left: 40, right: 16, top: 36, bottom: 48 },
    xAxis: { type: 'category', data: categories, axisLabel: { interval: 0, rotate: categories.length > 8 ? 30 : 0 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: series.map((s) => ({ type: 'bar', name: s.name, data: s.data })),
  };
}

/**
 * The chart as a PNG, rendered on the server: ECharts' SSR makes an SVG without a DOM, and
 * resvg rasterises it (mail clients block SVG and scripts, but show inline PNGs).
 */
export function chartPng(chart: ReportChart): Buffer {
  const instance = echarts.init(null, null, { renderer: 'svg', ssr: true, width: WIDTH, height: HEIGHT });
  try {
    instance.setOption(chart.option);
    const svg = instance.renderToSVGString();
    return new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render().asPng();
  } finally {
    instance.dispose();
  }
}
