/** What a chart is given: one row per bucket, one numeric field per series. */
export interface ChartSeries {
  key: string;
  label: string;
  /** A CSS colour, usually one of the `--chart-*` variables (app/globals.css). */
  color: string;
}

export type ChartRow = {
  /** The axis label ("14:00", "20 Nov"). */
  x: string;
  /** The tooltip's and the table's label ("20 Nov 2026, 14:00–15:00 UTC"). */
  tip: string;
} & Record<string, number | string>;

export interface PlotProps {
  rows: ChartRow[];
  series: ChartSeries[];
  kind?: "bars" | "area";
  height?: number;
  /** A horizontal line, e.g. a monthly budget. */
  limit?: { value: number; label: string };
}
