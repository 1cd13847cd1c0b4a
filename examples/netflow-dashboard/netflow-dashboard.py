"""NetFlow dashboard: a Flask app that also receives syslog over UDP (seed 000)."""
import socket
import threading

from flask import Flask, jsonify

app = Flask(__name__)
recent_messages = []


def receive_syslog():
    """Collects syslog datagrams sent by the router to UDP port 514."""
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("0.0.0.0", 514))
    while True:
        data, _ = receiver.recvfrom(4096)
        recent_messages.append(data.decode(errors="replace"))
        del recent_messages[:-1000]


# Started at import: under several gunicorn workers, every worker would start one.
threading.Thread(target=receive_syslog, daemon=True).start()


@app.route("/api/messages")
def messages():
    return jsonify(recent_messages[-100:])


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=8080, threaded=True)
