/** Half-open ranges `[start, end)`, sorted and merged when they touch or overlap. */
export function mergeWindows(windows: [number, number][]): [number, number][] {
  if (windows.length <= 1) return windows;
  windows.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [[windows[0]![0], windows[0]![1]]];
  for (let index = 1; index < windows.length; index++) {
    const window = windows[index]!;
    const last = merged[merged.length - 1]!;
    if (window[0] <= last[1]) last[1] = Math.max(last[1], window[1]);
    else merged.push([window[0], window[1]]);
  }
  return merged;
}
