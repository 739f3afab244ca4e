# R peers of epochscope's projections (uwot, Rtsne, MASS::sammon), timed around the method call.
# Usage: Rscript peers.R METHOD DATA.f32 ROWS OUT.f32 THREADS ; prints one JSON line.
args <- commandArgs(trailingOnly = TRUE)
method <- args[1]; rows <- as.integer(args[3]); threads <- as.integer(args[5])
con <- file(args[2], "rb"); v <- readBin(con, "numeric", n = 1e9, size = 4); close(con)
x <- matrix(v, nrow = rows, byrow = TRUE)
set.seed(1)
t0 <- proc.time()[["elapsed"]]
if (method == "uwot") {
  y <- uwot::umap(x, n_neighbors = 15, n_epochs = 500, n_threads = threads, n_sgd_threads = threads)
} else if (method == "rtsne") {
  y <- Rtsne::Rtsne(x, dims = 2, perplexity = 30, max_iter = 1000, check_duplicates = FALSE,
                    pca = FALSE, num_threads = threads)$Y
} else if (method == "sammon") {
  d <- dist(x)
  d[d == 0] <- 1e-9  # sammon refuses zero distances (duplicated points)
  y <- MASS::sammon(d, k = 2, niter = 100, trace = FALSE)$points
} else {
  stop("unknown method")
}
seconds <- proc.time()[["elapsed"]] - t0
con <- file(args[4], "wb"); writeBin(as.vector(t(y)), con, size = 4); close(con)
cat(sprintf('{"peer": "%s", "seconds": %f}\n', method, seconds))
