/**
 * Dense linear algebra on column-major double arrays: the BLAS and LAPACK calls (netlib, as Spark
 * ships it) the rest of core builds on — Gram products, Cholesky with damping, symmetric eigen
 * decompositions, norms and distances. Depends on nothing else in hyperreg.
 */
package dev.hyperreg.core.linalg;
