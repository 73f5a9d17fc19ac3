import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Series {
  label: string;
  values: Array<number | null>;
  color: string;
}

/** A time-series line chart (uPlot); `times` are epoch ms. */
export function Chart({
  title,
  times,
  series,
  height = 180,
  format,
}: {
  title: string;
  times: number[];
  series: Series[];
  height?: number;
  format?: (value: number) => string;
}) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const width = Math.max(280, element.clientWidth || 480);
    const options: uPlot.Options = {
      title,
      width,
      height,
      series: [
        {},
        ...series.map((entry) => ({
          label: entry.label,
          stroke: entry.color,
          width: 2,
          spanGaps: true,
          // A range with one busy bucket still shows its value.
          points: { show: true, size: 5 },
          ...(format ? { value: (_: uPlot, value: number | null) => (value === null ? '—' : format(value)) } : {}),
        })),
      ],
      axes: [{}, { size: 70, ...(format ? { values: (_: uPlot, ticks: number[]) => ticks.map(format) } : {}) }],
      scales: { x: { time: true } },
      legend: { show: true },
    };
    const data: uPlot.AlignedData = [times.map((t) => t / 1000), ...series.map((entry) => entry.values)];
    const plot = new uPlot(options, data, element);
    return () => plot.destroy();
  }, [title, times, series, height, format]);
  return <div class="chart" ref={host} data-chart={title} />;
}
