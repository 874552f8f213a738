"""The chatbot prototype. `python -m app` runs it; the chat UI lives in `main.py`, the replies in `responder.py`."""
