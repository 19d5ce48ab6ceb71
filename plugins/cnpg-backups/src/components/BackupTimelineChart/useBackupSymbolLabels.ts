import { useEffect, type RefObject } from 'react';

/**
 * recharts gives each backup symbol role="img" without a name: names them after the backups
 * (`labels`, in drawing order), so assistive technology hears "Backup <label>" instead of an
 * unnamed image. recharts draws (and redraws) the symbols after its own measuring: they are
 * labelled whenever the SVG changes.
 */
export function useBackupSymbolLabels(
  chartRef: RefObject<HTMLElement>,
  labels: string[],
): void {
  const labelsKey = labels.join('\n');
  useEffect(() => {
    const root = chartRef.current;
    if (!root) return undefined;
    const names = labelsKey.split('\n');
    const label = () =>
      root
        .querySelectorAll('g.recharts-scatter-symbol[role="img"]')
        .forEach((symbol, index) => {
          const text = names[index] ?? 'Backup';
          if (symbol.getAttribute('aria-label') !== text) {
            symbol.setAttribute('aria-label', text);
          }
        });
    label();
    if (typeof MutationObserver === 'undefined') return undefined;
    const observer = new MutationObserver(label);
    observer.observe(root, { childList: true, subtree: true });
    return () => observer.disconnect();
  }, [chartRef, labelsKey]);
}
