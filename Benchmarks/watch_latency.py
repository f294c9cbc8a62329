#!/usr/bin/env python3
"""`rootguard watch`: end-to-end latency (PutEvents → webhook) and sustained throughput, against moto.

  python3 Benchmarks/watch_latency.py [--events 50] [--backlog 2000] [--binary .build/release/rootguard]

Starts rootguard's moto server and a loopback webhook, builds the queue and rules with `rootguard harden watch
--apply`, then:
  1. latency: runs `rootguard watch` (one core, taskset -c 0) and puts one root event at a time on the default
     bus with PutEvents; the time from PutEvents' answer to the webhook receiving the alert, per event;
  2. throughput: with watch stopped, loads --backlog messages into the queue (SendMessageBatch), starts watch and
     times until every one is alerted and the queue is empty; also reads the watch process's own CPU time
     (/proc/<pid>/stat), so the per-message cost of rootguard is told apart from moto's.
Everything stays on 127.0.0.1. Prints a Markdown table row per measurement and writes
Benchmarks/results/watch_latency.json.
"""
import argparse
import http.server
import json
import os
import statistics
import subprocess
import threading
import time

from benchlib import start_moto

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
ENV = dict(os.environ, AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE", AWS_SECRET_ACCESS_KEY="bench",
           AWS_REGION="us-east-1", AWS_DEFAULT_REGION="us-east-1", AWS_EC2_METADATA_DISABLED="true")
ACCOUNT = "123456789012"


class Webhook(http.server.BaseHTTPRequestHandler):
    received = {}  # eventID -> first arrival (monotonic)
    count = 0
    lock = threading.Lock()

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        now = time.monotonic()
        try:
            event_id = json.loads(body)["detection"]["eventID"]
        except (ValueError, KeyError):
            event_id = None
        with Webhook.lock:
            Webhook.count += 1
            if event_id and event_id not in Webhook.received:
                Webhook.received[event_id] = now
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


def record(event_id):
    # A read-only root API call from a console session: one detection (root-api-call-console-session).
    return {
        "eventVersion": "1.08", "eventTime": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "userIdentity": {"type": "Root", "principalId": ACCOUNT, "arn": f"arn:aws:iam::{ACCOUNT}:root",
                         "accountId": ACCOUNT, "accessKeyId": "ASIACONSOLEEXAMPLE01"},
        "sessionCredentialFromConsole": "true", "eventSource": "s3.amazonaws.com", "eventName": "ListBuckets",
        "awsRegion": "us-east-1", "sourceIPAddress": "203.0.113.7", "userAgent": "console", "eventID": event_id,
        "eventType": "AwsApiCall", "recipientAccountId": ACCOUNT, "readOnly": True,
    }


def envelope(event_id):
    return {"version": "0", "id": event_id, "detail-type": "AWS API Call via CloudTrail", "source": "aws.s3",
            "account": ACCOUNT, "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "region": "us-east-1",
            "resources": [], "detail": record(event_id)}


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_watch(binary, endpoint, queue, webhook):
    command = ["taskset", "-c", "0", binary, "watch", "--queue-url", queue, "--webhook", webhook, "--endpoint-url",
               endpoint, "--wait-seconds", "20"]
    return subprocess.Popen(command, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def wait_for(predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.005)
    return predicate()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=50)
    parser.add_argument("--backlog", type=int, default=2000)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/release/rootguard"))
    args = parser.parse_args()
    if not os.path.exists(args.binary):
        raise SystemExit(f"{args.binary}: build it first (swift build -c release --product rootguard)")
    import boto3

    moto, port = start_moto()
    endpoint = f"http://127.0.0.1:{port}"
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Webhook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    webhook = f"http://127.0.0.1:{server.server_port}/hook"
    results = {"date": time.strftime("%Y-%m-%d"), "events": args.events, "backlog": args.backlog}
    try:
        subprocess.run([args.binary, "harden", "watch", "--regions", "us-east-1", "--apply", "--endpoint-url",
                        endpoint], env=ENV, check=True, stdout=subprocess.DEVNULL)
        session = boto3.session.Session(aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="bench",
                                        region_name="us-east-1")
        events = session.client("events", endpoint_url=endpoint)
        sqs = session.client("sqs", endpoint_url=endpoint)
        queue = sqs.get_queue_url(QueueName="rootguard-watch")["QueueUrl"]

        # 1. Latency, one event at a time.
        watch = start_watch(args.binary, endpoint, queue, webhook)
        time.sleep(1.0)
        latencies = []
        for index in range(args.events):
            event_id = f"lat-{index}"
            events.put_events(Entries=[{"Source": "aws.s3", "DetailType": "AWS API Call via CloudTrail",
                                        "Detail": json.dumps(record(event_id))}])
            sent = time.monotonic()
            if not wait_for(lambda: event_id in Webhook.received, 30):
                raise SystemExit(f"{event_id} never reached the webhook")
            latencies.append((Webhook.received[event_id] - sent) * 1000)
        watch.terminate()
        watch.wait(30)
        latencies.sort()
        results["latency_ms"] = {"p50": statistics.median(latencies),
                                 "p95": latencies[int(0.95 * (len(latencies) - 1))], "max": latencies[-1]}

        # 2. Throughput on a backlog.
        for start in range(0, args.backlog, 10):
            batch = [{"Id": str(n), "MessageBody": json.dumps(envelope(f"bulk-{start + n}"))}
                     for n in range(min(10, args.backlog - start))]
            sqs.send_message_batch(QueueUrl=queue, Entries=batch)
        before = len([k for k in Webhook.received if k.startswith("bulk-")])
        began = time.monotonic()
        watch = start_watch(args.binary, endpoint, queue, webhook)
        done = wait_for(lambda: len([k for k in list(Webhook.received) if k.startswith("bulk-")]) - before
                        >= args.backlog, 600)
        elapsed = time.monotonic() - began
        cpu = cpu_seconds(watch.pid)
        watch.terminate()
        watch.wait(30)
        if not done:
            raise SystemExit("the backlog was not drained within 10 minutes")
        results["throughput"] = {"messages": args.backlog, "seconds": elapsed,
                                 "messages_per_second": args.backlog / elapsed, "watch_cpu_seconds": cpu,
                                 "watch_cpu_ms_per_message": cpu * 1000 / args.backlog,
                                 "one_core_bound_messages_per_second": args.backlog / cpu if cpu else None}
    finally:
        moto.stdin.close()
        moto.wait(10)
        server.shutdown()
    os.makedirs(os.path.join(ROOT, "Benchmarks/results"), exist_ok=True)
    with open(os.path.join(ROOT, "Benchmarks/results/watch_latency.json"), "w") as out:
        json.dump(results, out, indent=2)
    lat, tp = results["latency_ms"], results["throughput"]
    print("| measurement | value |\n| --- | --- |")
    print(f"| latency PutEvents → webhook, {args.events} events | p50 {lat['p50']:.1f} ms, p95 {lat['p95']:.1f} ms, "
          f"max {lat['max']:.1f} ms |")
    print(f"| backlog of {args.backlog} messages drained | {tp['seconds']:.1f} s = {tp['messages_per_second']:.0f} "
          f"messages/s (moto included) |")
    print(f"| rootguard watch's own CPU | {tp['watch_cpu_ms_per_message']:.2f} ms per message = "
          f"{tp['one_core_bound_messages_per_second']:.0f} messages/s on one core |")


if __name__ == "__main__":
    main()
