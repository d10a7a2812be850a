"use client";
// A run's output: virtualized (only visible rows are in the DOM, so 100,000 lines stay smooth),
// ANSI colours, carriage-return progress bars collapsed, follow/pause, and search.
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useMemo, useRef, useState } from "react";
import { ansiToHtml, type DisplayLine, plainText } from "@/lib/log-lines.ts";

const ROW_HEIGHT = 18;

export function LogView({ lines, lastSeq }: { lines: DisplayLine[]; lastSeq: number }) {
  const [query, setQuery] = useState("");
  const [follow, setFollow] = useState(true);
  const scroller = useRef<HTMLDivElement>(null);
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return q ? lines.filter((l) => plainText(l.text).toLowerCase().includes(q)) : lines;
  }, [lines, query]);
  const virtualizer = useVirtualizer({
    count: shown.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 20,
  });

  useEffect(() => {
    if (follow && shown.length > 0) virtualizer.scrollToIndex(shown.length - 1, { align: "end" });
  }, [follow, shown.length, virtualizer]);

  return (
    <section aria-label="Logs" className="logs">
      <div className="toolbar">
        <label>
          Search logs{" "}
          <input
            type="search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            placeholder="text in a line"
          />
        </label>
        <button type="button" aria-pressed={follow} onClick={() => setFollow((f) => !f)}>
          {follow ? "Pause" : "Follow"}
        </button>
        <output
          aria-live="polite"
          data-testid="log-count"
          data-line-count={lines.length}
          data-last-seq={lastSeq}
        >
          {query ? `${shown.length} of ${lines.length} lines match` : `${lines.length} lines`}
        </output>
      </div>
      <div
        ref={scroller}
        className="log-scroller"
        role="log"
        aria-label="Log lines"
        // A scrollable region must be reachable by keyboard to scroll it (WCAG 2.1.1).
        // biome-ignore lint/a11y/noNoninteractiveTabindex: see above
        tabIndex={0}
        onWheel={(e) => {
          if (e.deltaY < 0) setFollow(false);
        }}
      >
        <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
          {virtualizer.getVirtualItems().map((row) => {
            const line = shown[row.index]!;
            return (
              <div
                key={row.key}
                className={`log-line ${line.stream}`}
                data-n={line.n}
                style={{
                  position: "absolute",
                  top: 0,
                  transform: `translateY(${row.start}px)`,
                  height: ROW_HEIGHT,
                }}
              >
                <span className="n" aria-hidden="true">
                  {line.n}
                </span>
                {/* ansi-to-html escapes the text (escapeXML); only its colour spans are markup. */}
                {/* biome-ignore lint/security/noDangerouslySetInnerHtml: escaped by ansi-to-html */}
                <span dangerouslySetInnerHTML={{ __html: ansiToHtml(line.text) }} />
              </div>
            );
          })}
        </div>
      </div>
    </section>
  );
}
