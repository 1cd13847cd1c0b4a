"""The NetMonitor dashboard: Flask with Socket.IO for live updates (seed 001)."""
from flask import Flask
from flask_socketio import SocketIO

socketio = SocketIO()


def init_dashboard(config_file):
    app = Flask(__name__)
    app.config["CONFIG_FILE"] = config_file
    socketio.init_app(app)
    return app
