"""Loads a cassette with the real vcrpy and replays requests through it with Python requests.

Run by test/vcrpy-compat.test.ts as: /usr/bin/python3 vcrpy-replay.py CASSETTE < requests.json
stdin: a JSON list of {method, url, headers: [[name, value], ...], bodyBase64: str | null}.
stdout: JSON {
  "cassette": what vcrpy's own deserializer reads from the file, one entry per interaction,
  "replayed": what requests returned for each request under vcr.use_cassette(record_mode="none"),
  "playCount", "allPlayed": vcrpy's bookkeeping after the replay
}.
Exits with 3 when vcrpy or requests cannot be imported.
"""
import base64
import io
import json
import sys

try:
    import requests
    import urllib3
    import vcr
    from vcr.serialize import deserialize
    from vcr.serializers import yamlserializer
except ImportError as error:
    sys.stderr.write("%s\n" % error)
    sys.exit(3)


def b64(data):
    return None if data is None else base64.b64encode(data).decode("ascii")


def as_bytes(body):
    return body.encode("utf-8") if isinstance(body, str) else body


def read_cassette(path):
    with open(path, encoding="utf-8") as f:
        recorded_requests, responses = deserialize(f.read(), yamlserializer)
    return [
        {
            "method": request.method,
            "uri": request.uri,
            "headers": dict(request.headers),
            "bodyBase64": b64(as_bytes(request.body)),
            "status": response["status"]["code"],
            "statusMessage": response["status"]["message"],
            "responseHeaders": response["headers"],
            "responseBodyBase64": b64(response["body"]["string"]),
        }
        for request, response in zip(recorded_requests, responses)
    ]


def replay(path, wanted):
    out = []
    with vcr.use_cassette(path, record_mode="none") as cassette:
        session = requests.Session()
        for item in wanted:
            body = None if item["bodyBase64"] is None else base64.b64decode(item["bodyBase64"])
            response = session.request(
                item["method"], item["url"], headers=dict(item["headers"]), data=body, allow_redirects=False, stream=True
            )
            wire = response.raw.read(decode_content=False)
            decoded = urllib3.HTTPResponse(
                body=io.BytesIO(wire), headers=response.raw.headers, preload_content=True, decode_content=True
            ).data
            out.append(
                {
                    "status": response.status_code,
                    "statusMessage": response.reason,
                    # a repeated header once per value
                    "headers": [[name, value] for name, value in response.raw.headers.items()],
                    "wireBodyBase64": b64(wire),
                    "bodyBase64": b64(decoded),
                }
            )
        return out, cassette.play_count, cassette.all_played


def main():
    path = sys.argv[1]
    wanted = json.load(sys.stdin)
    cassette = read_cassette(path)
    replayed, play_count, all_played = replay(path, wanted)
    json.dump({"cassette": cassette, "replayed": replayed, "playCount": play_count, "allPlayed": all_played}, sys.stdout)


main()
