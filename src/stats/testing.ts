/** Test helpers shared by the statistics tests (excluded from the build). */

/** The reference data sets and R's results: ../shared/reference next to the repository. */
export const referenceDirectory = new URL('../../../shared/reference/', import.meta.url);
