# R peers of epochscope's projections (uwot, Rtsne, MASS::sammon), timed around the method call.
# Usage: Rscript peers.R METHOD DATA.f32 ROWS OUT.f32 THREADS SEED [name=value ...] ; prints one JSON
# line. The name=value pairs are the method's options (none: its defaults); init_file=FILE.f32 (N x 2) is a
# starting layout for Rtsne and sammon.
args <- commandArgs(trailingOnly = TRUE)
method <- args[1]; rows <- as.integer(args[3]); threads <- as.integer(args[5]); seed <- as.integer(args[6])
read_f32 <- function(path, nrow) {
  con <- file(path, "rb"); v <- readBin(con, "numeric", n = 1e9, size = 4); close(con)
  matrix(v, nrow = nrow, byrow = TRUE)
}
x <- read_f32(args[2], rows)
opts <- list()
init <- NULL
for (kv in args[-(1:6)]) {
  p <- strsplit(kv, "=", fixed = TRUE)[[1]]
  if (p[1] == "init_file") {
    init <- read_f32(p[2], rows)
  } else {
    v <- suppressWarnings(as.numeric(p[2]))
    opts[[p[1]]] <- if (p[2] %in% c("TRUE", "FALSE")) as.logical(p[2]) else if (is.na(v)) p[2] else v
  }
}
# Load the method's package (and what it loads: RcppAnnoy, irlba) before the clock starts: about a
# second of start-up that a user's second call does not pay.
invisible(loadNamespace(switch(method, uwot = "uwot", rtsne = "Rtsne", sammon = "MASS", "base")))
if (method == "uwot") invisible(loadNamespace("RcppAnnoy"))
if (requireNamespace("irlba", quietly = TRUE)) invisible(loadNamespace("irlba"))
set.seed(seed)
t0 <- proc.time()[["elapsed"]]
if (method == "uwot") {
  y <- do.call(uwot::umap, c(list(X = x, n_threads = threads, n_sgd_threads = threads), opts))
} else if (method == "rtsne") {
  extra <- if (is.null(init)) list() else list(Y_init = init)
  y <- do.call(Rtsne::Rtsne, c(list(X = x, dims = 2, check_duplicates = FALSE, num_threads = threads), opts, extra))$Y
} else if (method == "sammon") {
  d <- dist(x)
  d[d == 0] <- 1e-9  # sammon refuses zero distances (duplicated points)
  extra <- if (is.null(init)) list() else list(y = init)
  y <- do.call(MASS::sammon, c(list(d = d, k = 2, trace = FALSE), opts, extra))$points
} else {
  stop("unknown method")
}
seconds <- proc.time()[["elapsed"]] - t0
con <- file(args[4], "wb"); writeBin(as.vector(t(y)), con, size = 4); close(con)
cat(sprintf('{"peer": "%s", "seconds": %f}\n', method, seconds))
