"""The Streamlit mock. `python -m app` runs it; the screens live in `main.py`, the data logic in `model.py`."""
