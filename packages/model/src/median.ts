/**
 * k-th smallest value by in-place selection (Hoare/Wirth with a
 * median-of-three pivot): O(n) on average, no allocation. Reorders `a`.
 */
function selectKth(a: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = k;
    if (a[mid] < a[lo]) swap(a, mid, lo);
    if (a[hi] < a[lo]) swap(a, hi, lo);
    if (a[hi] < a[mid]) swap(a, hi, mid);
    const pivot = a[mid];
    let i = lo;
    let j = hi;
    do {
      while (a[i] < pivot) i++;
      while (pivot < a[j]) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    } while (i <= j);
    if (j < k) lo = i;
    if (k < i) hi = j;
  }
  return a[k];
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

/** Median of the first `n` values of `a` (n ≥ 1); reorders them. */
export function medianInPlace(a: Float64Array, n: number): number {
  const k = (n - 1) >>> 1;
  const lower = selectKth(a, n, k);
  if (n % 2 === 1) return lower;
  // After selection every value right of k is >= a[k]; the upper middle is
  // the smallest of them.
  let upper = Infinity;
  for (let i = k + 1; i < n; i++) if (a[i] < upper) upper = a[i];
  return (lower + upper) / 2;
}
