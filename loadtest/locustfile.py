"""Locust scenario for `make loadtest`: each virtual user signs in as its own account and mixes
page views, workbook exports and draft saves of its plan's vision. A save answered 302 is
acknowledged (kept, with its text, for the lost-write check); 409 is a conflict (another user
saved the same plan since the form was opened): counted apart, not an error. Anything else, and
any other non-2xx answer, is an error."""

import itertools
import json
import os
import random
import re
import threading
from pathlib import Path

from locust import HttpUser, between, events, task

SETUP = json.loads(Path(os.environ["LOADTEST_SETUP"]).read_text(encoding="utf-8"))
RESULTS = os.environ["LOADTEST_RESULTS"]
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
FIELDS = re.compile(r'<textarea name="([a-z_]+)"')

accounts = itertools.count()
lock = threading.Lock()
acknowledged: list[dict] = []
conflicts = 0


class Staff(HttpUser):
    wait_time = between(0.5, 2.0)

    def on_start(self):
        self.account = SETUP["accounts"][next(accounts) % len(SETUP["accounts"])]
        self.plan = f"/projects/{self.account['project']}/plans/{self.account['phase']}/"
        self.saves = 0
        page = self.client.get("/accounts/login/", name="login form")
        data = {
            "username": self.account["username"],
            "password": SETUP["password"],
            "csrfmiddlewaretoken": TOKEN.search(page.text).group(1),
        }
        with self.client.post(
            "/accounts/login/", data, name="login", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302:
                response.failure(f"login answered {response.status_code}")

    @task(6)
    def view_pages(self):
        project = f"/projects/{self.account['project']}/"
        url, name = random.choice(
            [
                ("/", "home"),
                ("/projects/", "project list"),
                (project, "project page"),
                (project + "matrix/", "tracking matrix"),
                (self.plan, "plan page"),
            ]
        )
        self.client.get(url, name=name)

    @task(2)
    def export_workbook(self):
        code, year = random.choice(SETUP["exports"])
        self.client.get(f"/projects/{code}/reports/{year}/workbook/", name="report workbook")

    @task(2)
    def save_draft(self):
        form = self.client.get(self.plan + "vision/", name="vision form")
        if form.status_code != 200:
            return
        self.saves += 1
        text = f"{self.account['username']} save {self.saves}"
        data = {name: "" for name in FIELDS.findall(form.text)}
        data.update(
            csrfmiddlewaretoken=TOKEN.search(form.text).group(1),
            version=VERSION.search(form.text).group(1),
            industrial_resources=text,
        )
        with self.client.post(
            self.plan + "vision/",
            data,
            name="vision save",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                with lock:
                    acknowledged.append({"project": self.account["project"], "text": text})
            elif response.status_code == 409:
                global conflicts
                with lock:
                    conflicts += 1
                response.success()
            else:
                response.failure(f"save answered {response.status_code}")


@events.quitting.add_listener
def write_results(environment, **kwargs):
    total = environment.stats.total
    summary = {
        "requests": total.num_requests,
        "errors": total.num_failures,
        "conflicts": conflicts,
        "acknowledged_saves": len(acknowledged),
        "p50_ms": total.get_response_time_percentile(0.5),
        "p95_ms": total.get_response_time_percentile(0.95),
        "rps": round(total.total_rps, 1),
    }
    with open(RESULTS, "w", encoding="utf-8") as f:
        json.dump({"summary": summary, "acknowledged": acknowledged}, f, ensure_ascii=False)
    print("LOADTEST " + " ".join(f"{k}={v}" for k, v in summary.items()))
