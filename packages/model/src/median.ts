/**
 * k-th smallest value by in-place selection (Hoare/Wirth with a
 * median-of-three pivot): O(n) on average, no allocation. Reorders `a`.
 */
function selectKth(a: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = k;
    if ((a[mid] as number) < (a[lo] as number)) swap(a, mid, lo);
    if ((a[hi] as number) < (a[lo] as number)) swap(a, hi, lo);
    if ((a[hi] as number) < (a[mid] as number)) swap(a, hi, mid);
    const pivot = a[mid] as number;
    let i = lo;
    let j = hi;
    do {
      while ((a[i] as number) < pivot) i++;
      while (pivot < (a[j] as number)) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    } while (i <= j);
    if (j < k) lo = i;
    if (k < i) hi = j;
  }
  return a[k] as number;
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i] as number;
  a[i] = a[j] as number;
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
  for (let i = k + 1; i < n; i++) if ((a[i] as number) < upper) upper = a[i] as number;
  return (lower + upper) / 2;
}
