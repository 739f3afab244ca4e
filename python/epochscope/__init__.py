"""epochscope's Python side: write sessions (SessionWriter), read them back (read_records;
decode_images and decode_texts unpack a header's thumbnails and texts), and
record a PyTorch model's layers over fixed points while it trains (Recorder; needs torch).
The window shows a session as it is written: `epochscope --follow run.epochscope`."""
from epochscope.session import LAYER_KINDS, MAGIC, VERSION, SessionWriter, decode_matrix, encode_matrix, read_records
from epochscope.images import decode_images, decode_texts
from epochscope.recorder import Recorder

__all__ = ["Recorder", "SessionWriter", "read_records", "encode_matrix", "decode_matrix", "decode_images",
           "decode_texts", "LAYER_KINDS", "MAGIC", "VERSION"]
__version__ = "0.1.0"
