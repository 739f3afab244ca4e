"""What a session stores for each point besides its activations (format 1.4): a thumbnail (grey,
colour or none) and an optional text, turned into the header's bytes by the SessionWriter and back
into arrays by decode_images() and decode_texts().

Thumbnails given to the writer:
  - grey: N x H x W (also N x 1 x H x W, N x H x W x 1, or N x (H*W) square), each side 1 to 1024,
    stored as they are;
  - colour: N x 3 x H x W (PyTorch's channel-first layout; taken first when both fit) or
    N x H x W x 3, stored N x H x W x 3 (channels interleaved per pixel, row-major). A side over 64
    is shrunk by area averaging: the larger side becomes 64, the other side * 64 / the larger side
    rounded to the nearest integer (at least 1), every stored pixel the mean of the source area it
    covers (fractional source pixels weighted by how much of them it covers);
  - values: uint8 0..255, or floats in 0..1 (finite values outside are clipped, NaN or Inf refused);
  - None: no thumbnails (image_channels 0); then every point needs a text.
Texts: one str per point, at most 1000 bytes of UTF-8 each, without NUL characters.
"""
import zlib

import numpy as np

MAX_GREY_SIDE = 1024  # the reader's limit for grey images and signals
MAX_COLOUR_SIDE = 64  # colour thumbnails are shrunk to fit
MAX_TEXT_BYTES = 1000


def as_numpy(x):
    """A numpy view of an array-like or a torch tensor (detached, on the CPU)."""
    if hasattr(x, "detach") and hasattr(x, "cpu"):
        return x.detach().cpu().numpy()
    return np.asarray(x)


def _finite(a):
    if a.dtype.kind in "fc" and a.size and not np.isfinite(a).all():
        raise ValueError("images must be finite (they hold NaN or Inf)")


def _to_bytes(a):
    """uint8 as it is; anything else as values in 0..1 (clipped) scaled to 0..255."""
    if a.dtype == np.uint8:
        return a
    return np.clip(np.rint(a.astype(np.float64) * 255.0), 0, 255).astype(np.uint8)


def colour_size(height, width, limit=MAX_COLOUR_SIDE):
    """The stored size of a height x width colour image: itself when both sides fit `limit`, else
    the larger side `limit` and the other scaled alike (rounded half up, at least 1). 100 x 80 -> 64 x 51."""
    if max(height, width) <= limit:
        return height, width
    if height >= width:
        return limit, max(1, int(np.floor(width * limit / height + 0.5)))
    return max(1, int(np.floor(height * limit / width + 0.5))), limit


def _area_axis(a, target, axis):
    """Area averages of `a` along `axis` into `target` cells: cell i covers the source interval
    [i * size / target, (i + 1) * size / target), partly covered source cells weighing by how much
    of them it covers. From the running sum: integral(t) = sum of the cells before floor(t) + the
    fraction of cell floor(t)."""
    size = a.shape[axis]
    pos = np.arange(target + 1, dtype=np.int64) * size  # the edges, in units of 1 / target
    whole, frac = pos // target, (pos % target) / target
    shape = [1] * a.ndim
    shape[axis] = target + 1
    running = np.zeros(a.shape[:axis] + (size + 1,) + a.shape[axis + 1:], dtype=np.float64)
    np.cumsum(a, axis=axis, out=running[(slice(None),) * axis + (slice(1, None),)])
    integral = np.take(running, whole, axis=axis)
    integral += frac.reshape(shape) * np.take(a, np.minimum(whole, size - 1), axis=axis)
    return np.diff(integral, axis=axis) * (target / size)


def area_downsample(images, height, width, chunk=64):
    """N x H x W x C values -> N x height x width x C float64 means of the covered source areas."""
    out = np.empty((images.shape[0], height, width, images.shape[3]), dtype=np.float64)
    for begin in range(0, images.shape[0], chunk):
        part = images[begin:begin + chunk].astype(np.float64)
        out[begin:begin + chunk] = _area_axis(_area_axis(part, height, 1), width, 2)
    return out


def prepare_images(images, n, signal=False):
    """The thumbnails as stored: (pixels, channels, value_offset, value_scale), pixels an
    N x H x W (grey, signal) or N x H x W x 3 (colour) uint8 array, or None with channels 0 when
    images is None. signal: N 1-D signals of any finite floats, stored N x 1 x width as bytes between
    their minimum and maximum. Raises ValueError naming the problem."""
    if images is None:
        if signal:
            raise ValueError("a signal session needs its signals (images=None means no thumbnails)")
        return None, 0, 0.0, 1.0 / 255.0
    imgs = as_numpy(images)
    if imgs.ndim == 0 or imgs.shape[0] != n:
        raise ValueError("labels, splits and images must describe the same %d points" % n)
    if signal:
        values = imgs.astype(np.float64).reshape(n, -1)
        if values.size and not np.isfinite(values).all():
            raise ValueError("signals must be finite")
        if not 1 <= values.shape[1] <= MAX_GREY_SIDE:
            raise ValueError("a signal must have 1 to %d values, not %d" % (MAX_GREY_SIDE, values.shape[1]))
        lo, hi = (float(values.min()), float(values.max())) if values.size else (0.0, 1.0)
        scale = max(hi - lo, 1e-12) / 255.0
        pixels = np.clip(np.rint((values - lo) / scale), 0, 255).astype(np.uint8)[:, None, :]
        return pixels, 1, lo, scale
    _finite(imgs)
    if imgs.ndim == 2:  # N x (h*w): square grey images
        side = int(round(np.sqrt(imgs.shape[1])))
        if side * side != imgs.shape[1]:
            raise ValueError("images given as N x %d must be square (N x side*side)" % imgs.shape[1])
        imgs = imgs.reshape(n, side, side)
    if imgs.ndim == 4 and imgs.shape[1] == 1:  # N x 1 x h x w (PyTorch's layout)
        imgs = imgs[:, 0]
    elif imgs.ndim == 4 and imgs.shape[1] == 3:  # N x 3 x h x w: channels last
        imgs = imgs.transpose(0, 2, 3, 1)
    elif imgs.ndim == 4 and imgs.shape[3] == 1:
        imgs = imgs[..., 0]
    elif imgs.ndim != 3 and not (imgs.ndim == 4 and imgs.shape[3] == 3):
        raise ValueError("images must be N x H x W (grey), N x 3 x H x W or N x H x W x 3 (colour), "
                         "not %s" % (imgs.shape,))
    height, width = int(imgs.shape[1]), int(imgs.shape[2])
    if imgs.ndim == 3:
        if not (1 <= height <= MAX_GREY_SIDE and 1 <= width <= MAX_GREY_SIDE):
            raise ValueError("grey images must be 1 to %d pixels on each side, not %d x %d"
                             % (MAX_GREY_SIDE, height, width))
        return np.ascontiguousarray(_to_bytes(imgs)), 1, 0.0, 1.0 / 255.0
    if height < 1 or width < 1:
        raise ValueError("colour images must have at least 1 pixel on each side, not %d x %d" % (height, width))
    target = colour_size(height, width)
    if target == (height, width):
        return np.ascontiguousarray(_to_bytes(imgs)), 3, 0.0, 1.0 / 255.0
    source = imgs if imgs.dtype == np.uint8 else np.clip(imgs.astype(np.float64), 0.0, 1.0) * 255.0
    pixels = np.clip(np.rint(area_downsample(source, *target)), 0, 255).astype(np.uint8)
    return pixels, 3, 0.0, 1.0 / 255.0


def pack_texts(texts, n):
    """The header's `texts` bin: zlib-deflated UTF-8 texts, each followed by one NUL byte. Raises
    ValueError naming the problem and the point."""
    if isinstance(texts, (str, bytes)):
        raise ValueError("texts must be a sequence of %d strings (one per point), not a single %s"
                         % (n, type(texts).__name__))
    try:
        texts = list(texts)
    except TypeError:
        raise ValueError("texts must be a sequence of %d strings (one per point), not %s"
                         % (n, type(texts).__name__)) from None
    if len(texts) != n:
        raise ValueError("texts has %d entries for %d points" % (len(texts), n))
    out = []
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise ValueError("the text of point %d is a %s, not a str" % (i, type(text).__name__))
        if "\0" in text:
            raise ValueError("the text of point %d holds a NUL character" % i)
        try:
            raw = text.encode("utf-8")
        except UnicodeEncodeError as e:
            raise ValueError("the text of point %d is not valid Unicode (%s)" % (i, e.reason)) from None
        if len(raw) > MAX_TEXT_BYTES:
            raise ValueError("the text of point %d is %d bytes of UTF-8, over the limit of %d"
                             % (i, len(raw), MAX_TEXT_BYTES))
        out.append(raw)
    return zlib.compress(b"".join(raw + b"\0" for raw in out), 6)


def decode_images(header):
    """A header's thumbnails: N x H x W (grey or signal) or N x H x W x 3 (colour) uint8, or None
    when the session has none (image_channels 0)."""
    channels = int(header.get("image_channels", 1))
    if channels == 0:
        return None
    shape = (int(header["points"]), int(header["image_height"]), int(header["image_width"]))
    if channels == 3:
        shape += (3,)
    elif channels != 1:
        raise ValueError("image_channels must be 0, 1 or 3, not %d" % channels)
    raw = zlib.decompress(header["images"])
    if len(raw) != int(np.prod(shape)):
        raise ValueError("the images inflate to %d bytes, not %d" % (len(raw), int(np.prod(shape))))
    return np.frombuffer(raw, dtype=np.uint8).reshape(shape)


def decode_texts(header):
    """A header's texts as a list of N str, or None when it has none."""
    if "texts" not in header:
        return None
    raw = zlib.decompress(header["texts"])
    parts = raw.split(b"\0")
    if parts[-1] != b"" or len(parts) - 1 != int(header["points"]):
        raise ValueError("texts must hold one NUL-terminated text per point")
    return [p.decode("utf-8") for p in parts[:-1]]
