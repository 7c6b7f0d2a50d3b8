"""Every URL pattern × every role of DOMAIN.md (and anonymous) × GET/POST → the expected answer.

The list of patterns is read from the URLconf: a pattern missing from MATRIX fails
`test_every_url_pattern_is_in_the_matrix`, so no later page can skip the matrix. Django admin
URLs are one entry (ADMIN): only the admin role enters; everyone else is sent to its login.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "staff", "other_staff", "manager", "evaluator", "admin"]
SIGNED_IN = ROLES[1:]

LOGIN = "login-redirect"  # 302 to the login page


def everyone(get, post, anonymous=(LOGIN, LOGIN)):
    """The same answer for every signed-in role; anonymous users are sent to log in."""
    table = {role: (get, post) for role in SIGNED_IN}
    table["anonymous"] = anonymous
    return table


# url name → (kwargs from the test objects, {role: (GET answer, POST answer)})
MATRIX = {
    "home": (lambda o: {}, everyone(200, 405)),
    "project_list": (lambda o: {}, everyone(200, 405)),
    "project_detail": (lambda o: {"code": o["project"].code}, everyone(200, 405)),
    "login": (lambda o: {}, everyone(302, 302, anonymous=(200, 200))),
    "logout": (lambda o: {}, everyone(405, 302, anonymous=(405, 302))),
    "set_language": (lambda o: {}, everyone(302, 302, anonymous=(302, 302))),
}

ADMIN = {role: 302 for role in ROLES} | {"admin": 200}


def url_names(resolver=None, namespace=None):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from url_names(entry, entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            yield namespace, entry.name


def test_every_url_pattern_is_in_the_matrix():
    unnamed, missing = [], []
    for namespace, name in url_names():
        if namespace == "admin":
            continue
        if name is None:
            unnamed.append(namespace)
        elif name not in MATRIX:
            missing.append(name)
    assert not unnamed, "every URL pattern needs a name to be in the matrix"
    assert not missing, f"add these URL patterns to MATRIX: {missing}"
    assert set(MATRIX) <= {name for _, name in url_names()}, "MATRIX names a pattern that is gone"


@pytest.fixture
def objects(project):
    return {"project": project}


def client_for(client, users, role):
    if role != "anonymous":
        client.force_login(users[role])
    return client


def check(response, expected):
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == expected, response


CASES = [
    (name, role, method)
    for name in MATRIX
    for role in ROLES
    for method in ("GET", "POST")
]  # fmt: skip


@pytest.mark.parametrize(("name", "role", "method"), CASES)
def test_matrix(client, users, objects, name, role, method):
    kwargs_for, answers = MATRIX[name]
    url = reverse(name, kwargs=kwargs_for(objects))
    client = client_for(client, users, role)
    response = client.get(url) if method == "GET" else client.post(url, {})
    check(response, answers[role][0 if method == "GET" else 1])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "url_name",
    ["admin:index", "admin:projects_project_changelist", "admin:evaluation_indicator_add"],
)
def test_admin_site_only_for_admins(client, users, role, url_name):
    if role == "admin":
        users["admin"].is_staff = True
        users["admin"].save()
    response = client_for(client, users, role).get(reverse(url_name))
    assert response.status_code == ADMIN[role]
    if ADMIN[role] == 302:
        assert "/admin/login/" in response["Location"]


def test_unknown_project_is_404_for_every_signed_in_role(client, users):
    for role in SIGNED_IN:
        client.force_login(users[role])
        assert client.get(reverse("project_detail", args=["no-such-code"])).status_code == 404
