"""The framework's floor: a Flask endpoint that does nothing, served exactly as the app is
(``gunicorn bench.bare_app:app``). bench/throughput.py reports every page as a share of it."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def index():
    return "ok"
