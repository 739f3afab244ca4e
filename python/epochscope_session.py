"""The session writer under its first name: `from epochscope_session import SessionWriter` keeps
working. New code imports the package: `import epochscope` (epochscope.SessionWriter,
epochscope.Recorder)."""
from epochscope.session import *  # noqa: F401,F403
from epochscope.session import MAGIC, VERSION, SessionWriter, read_records, encode_matrix, decode_matrix  # noqa: F401
