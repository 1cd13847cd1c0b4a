"""Entry point gunicorn imports (seed 001)."""
from web_dashboard import init_dashboard

app = init_dashboard(config_file="config.yaml")
application = app  # Gunicorn imports this
