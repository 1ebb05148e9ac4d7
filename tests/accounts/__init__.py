def error_of(response, status_code: int) -> dict:
    """Assert ``response`` is the one JSON error shape with ``status_code``; return the error."""
    assert response.status_code == status_code, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "fields"}
    assert isinstance(error["code"], str)
    assert error["message"]
    assert isinstance(error["fields"], dict)
    return error
