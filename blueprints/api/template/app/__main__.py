"""`python -m app` (what `make run` calls): serve the API on 127.0.0.1, port $PORT (default 8000)."""

from launch import serve_api

if __name__ == "__main__":
    serve_api("app.main:app")
