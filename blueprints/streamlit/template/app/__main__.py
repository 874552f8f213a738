"""`python -m app` (what `make run` calls): `streamlit run app/main.py` on 127.0.0.1, port $PORT (default 8501)."""

from pathlib import Path

from launch import serve_streamlit

if __name__ == "__main__":
    serve_streamlit(Path(__file__).resolve().parent / "main.py")
