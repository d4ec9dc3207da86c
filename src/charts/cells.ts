/**
 * A grid of values drawn as seamless rectangles around their centres: the layer shared by charts
 * of a function over the plane (a decision boundary; the loss surface draws its cells the same way).
 */

/** Axis encoding of a cell's centre field. */
export interface CellAxis {
  field: string;
  type: "quantitative";
  title: string;
  scale: { domain: number[]; nice: false; zero: false };
}

/**
 * The transform and position encodings of a rect layer whose data rows are cell centres
 * (fields `x.field`, `y.field`) on a grid of step dx × dy. Each cell spans its centre ± half a
 * step and overlaps its neighbours by 3 % of a step, so that anti-aliasing leaves no seams.
 */
export function cellRects(x: CellAxis, y: CellAxis, dx: number, dy: number) {
  return {
    transform: [
      { calculate: `datum.${x.field} - ${dx / 2}`, as: "left" },
      { calculate: `datum.${x.field} + ${dx * 0.53}`, as: "right" },
      { calculate: `datum.${y.field} - ${dy / 2}`, as: "bottom" },
      { calculate: `datum.${y.field} + ${dy * 0.53}`, as: "top" },
    ],
    mark: { type: "rect" as const, aria: false },
    position: {
      x: { ...x, field: "left" },
      x2: { field: "right" },
      y: { ...y, field: "bottom" },
      y2: { field: "top" },
    },
  };
}
