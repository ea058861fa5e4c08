"""Writes Sources/CofferServer/openapi.json, the OpenAPI 3.1 document of `coffer serve` (R39).
Run it after changing an endpoint; OpenAPITests checks the document against the routes."""
import json, os
err = {"$ref": "#/components/responses/Error"}
def errs(*codes):
    return {str(c): err for c in codes}
amount = {"type": "string", "pattern": "^[0-9]+(\\.[0-9]{1,3})?$", "description": "Exact decimal (R1), up to 3 places"}
usage_params = [
    {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"}, "description": "First day (inclusive, UTC)"},
    {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"}, "description": "Last day (inclusive, UTC)"},
    {"name": "last", "in": "query", "schema": {"type": "string", "enum": ["7d", "30d", "3m"]}},
    {"name": "search", "in": "query", "schema": {"type": "string"}},
    {"name": "type", "in": "query", "schema": {"type": "string"}, "description": "Billing type, import type or adjustment type"},
    {"name": "api_key", "in": "query", "schema": {"type": "string"}},
]
tab = {"name": "tab", "in": "path", "required": True, "schema": {"type": "string", "enum": ["conversations", "calls", "imports", "adjustments"]}}
event = {
    "type": "object", "additionalProperties": False, "required": ["id", "service"],
    "properties": {
        "id": {"type": "string", "minLength": 1, "maxLength": 200},
        "service": {"type": "string", "minLength": 1, "maxLength": 200},
        "quantity": {"oneOf": [amount, {"type": "integer", "minimum": 1}]},
        "credits": {"oneOf": [amount, {"type": "integer", "minimum": 1}]},
        "for": {"type": "string", "format": "email"},
        "conversation": {"type": "string", "maxLength": 200}, "title": {"type": "string", "maxLength": 200},
        "type": {"type": "string", "enum": ["message", "image", "video"]},
        "api_key": {"type": "string", "maxLength": 100}, "call": {"type": "string", "maxLength": 200},
        "task": {"type": "string", "maxLength": 200}, "import_type": {"type": "string", "enum": ["brand", "product"]},
        "url": {"type": "string", "maxLength": 2000}, "workspace": {"type": "string", "maxLength": 100},
    },
}
# An optional field given as null is absent, as in the import line format (R33).
for name, schema in event["properties"].items():
    if name not in event["required"]:
        event["properties"][name] = {"anyOf": [schema, {"type": "null"}]}
result = {"type": "object", "properties": {
    "event_id": {"type": "string"}, "service": {"type": "string"}, "member": {"type": "string"},
    "credits": amount, "units": amount, "value": amount, "balance": amount,
    "wallets": {"type": "array", "items": {"type": "string"}},
    "draws": {"type": "array", "items": {"type": "object", "properties": {
        "wallet": {"type": "string"}, "asset": {"type": "string"}, "amount": {"type": "string"}, "grant": {"type": "integer"}}}},
    "unlimited": {"type": "boolean"}, "duplicate": {"type": "boolean"}, "recharge": {"type": ["string", "null"]}}}
event_result = {"type": "object", "required": ["index", "id", "status"], "properties": {
    "index": {"type": "integer"}, "id": {"type": "string"},
    "status": {"type": "string", "enum": ["charged", "duplicate", "refused"]},
    "result": {"$ref": "#/components/schemas/UsageResult"}, "error": {"type": "string"}}}
member = {"type": "object", "properties": {
    "name": {"type": "string"}, "email": {"type": "string"}, "role": {"type": "string"}, "access": {"type": "string"},
    "used_this_period": amount, "effective_plan": {"type": "string"}, "pending": {"type": "boolean"},
    "multiplier": {"type": ["integer", "null"]}, "limit": {"type": ["string", "null"]}, "remaining": {"type": ["string", "null"]}}}
billing_team = {"type": "object", "required": ["seats_limit", "seats_count", "auto_recharge_enabled", "recharge_threshold_amount",
    "recharge_amount", "max_period_spend", "current_period_spend", "currency"], "properties": {
    "seats_limit": {"type": "integer"}, "seats_count": {"type": "integer"}, "auto_recharge_enabled": {"type": "boolean"},
    "recharge_threshold_amount": amount, "recharge_amount": amount, "max_period_spend": {"type": ["string", "null"]},
    "current_period_spend": amount, "currency": {"type": "string"}}}
seat = {"type": "object", "properties": {"email": {"type": "string"}, "role": {"type": "string"},
    "state": {"type": "string", "enum": ["held", "reserved", "pending"]}, "multiplier": {"type": "integer"}, "added_at": {"type": "string"}}}
item = {"type": "object", "required": ["item", "status"], "properties": {"item": {"type": "string"},
    "status": {"type": "string", "enum": ["done", "refused"]}, "error": {"type": "string"}}}
# One key per column of the row's tab, named after the column (SPEC §7); counts are numbers.
row = {"type": "object", "properties": {**{k: {"type": ["string", "null"]} for k in
    ["conversation_id", "call_id", "task_id", "type", "title", "credits", "amount", "user", "billing_type", "api_key_name",
     "import_type", "import_url", "detail", "updated_at", "created_at"]}, "message_count": {"type": "number"}}}
charge = {"type": "object", "properties": {
    "event_id": {"type": "string"}, "time": {"type": "string"}, "service": {"type": "string"}, "billing_type": {"type": "string"},
    "credits": amount, "units": amount, "quantity": {"type": ["string", "null"]}, "user": {"type": ["string", "null"]},
    "grants": {"type": "array", "items": {"type": "object"}}}}
def ok(schema, desc="OK"):
    return {"200": {"description": desc, "content": {"application/json": {"schema": schema}}}}
def ref(name):
    return {"$ref": "#/components/schemas/" + name}
auth = errs(401)
paths = {
    "/healthz": {"get": {"operationId": "health", "security": [], "summary": "Liveness", "responses": ok({"type": "object"})}},
    "/openapi.json": {"get": {"operationId": "openapi", "security": [], "summary": "This document", "responses": ok({"type": "object"})}},
    "/v1/events": {"post": {"operationId": "recordEvents", "summary": "Record one event or a batch of up to 1,000 (R39, R40)",
        "requestBody": {"required": True, "content": {"application/json": {"schema": {"oneOf": [ref("Event"), {
            "type": "object", "additionalProperties": False, "required": ["events"],
            "properties": {"events": {"type": "array", "minItems": 1, "maxItems": 1000, "items": ref("Event")}}}]}}}},
        "responses": {**ok({"oneOf": [ref("EventResult"), {"type": "object", "properties": {"results": {"type": "array", "items": ref("EventResult")}}}]}),
            "403": {"description": "Refused by R7", "content": {"application/json": {"schema": ref("EventResult")}}},
            "422": {"description": "Refused by a rule", "content": {"application/json": {"schema": ref("EventResult")}}},
            **errs(400, 401, 413, 503)}}},
    "/v1/balance": {"get": {"operationId": "balance", "summary": "The wallets visible to the key's holder (coffer balance --json)",
        "responses": {**ok({"type": "object"}), **auth}}},
    "/v1/usage/{tab}": {"get": {"operationId": "usagePage", "summary": "One page of a usage tab (keyset paging with after)",
        "parameters": [tab, *usage_params,
            {"name": "sort", "in": "query", "schema": {"type": "string", "pattern": "^[a-z]+(:(asc|desc))?$"}},
            {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000}},
            {"name": "after", "in": "query", "schema": {"type": "string", "maxLength": 400}}],
        "responses": {**ok({"type": "object", "properties": {"rows": {"type": "array", "items": ref("UsageRow")}, "next": {"type": ["string", "null"]}}}),
            **errs(400, 401, 403, 404)}}},
    "/v1/usage/{tab}/summary": {"get": {"operationId": "usageSummary", "summary": "The summary bar's totals",
        "parameters": [tab, *usage_params],
        "responses": {**ok({"type": "object", "properties": {"count": {"type": "integer"}, "messages": {"type": "number"}, "credits": amount}}), **errs(400, 401, 403, 404)}}},
    "/v1/usage/conversations/{id}": {"get": {"operationId": "conversationDetail", "summary": "A conversation's billing detail sheet",
        "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string", "minLength": 1, "maxLength": 200}}],
        "responses": {**ok({"type": "array", "items": ref("ChargeLine")}), **errs(401, 403, 404)}}},
    "/v1/members": {"get": {"operationId": "members", "summary": "Members (coffer members list --json)",
        "responses": {**ok({"type": "array", "items": ref("Member")}), **errs(401, 403)}}},
    "/v1/members/{email}": {"put": {"operationId": "updateMember", "summary": "A member's access, limit or multiplier (owners)",
        "parameters": [{"name": "email", "in": "path", "required": True, "schema": {"type": "string", "format": "email"}}],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object", "additionalProperties": False,
            "minProperties": 1, "properties": {"access": {"type": "string", "enum": ["seat", "credits", "personal"]},
            "limit": {"type": ["string", "null"], "pattern": "^[0-9]+(\\.[0-9]{1,3})?$"}, "multiplier": {"type": "integer", "minimum": 1, "maximum": 100}}}}}},
        "responses": {**ok(ref("Member")), **errs(400, 401, 403, 404, 413, 422)}}},
    "/v1/access/{direction}": {"post": {"operationId": "switchAccess", "summary": "The caller switches themself (R31)",
        "parameters": [{"name": "direction", "in": "path", "required": True, "schema": {"type": "string", "enum": ["personal", "team"]}}],
        "responses": {**ok({"type": "object", "properties": {"email": {"type": "string"}, "access": {"type": "string"}}}), **errs(401, 403, 404, 422)}}},
    "/v1/billing-team": {
        "get": {"operationId": "billingTeam", "summary": "Seats and auto-recharge of the team", "responses": {**ok(ref("BillingTeam")), **errs(401, 403)}},
        "put": {"operationId": "updateBillingTeam", "summary": "Auto-recharge settings (R34)",
            "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object", "additionalProperties": False, "minProperties": 1,
                "properties": {"auto_recharge_enabled": {"type": "boolean"}, "recharge_threshold_amount": amount, "recharge_amount": amount,
                "max_period_spend": {"type": ["string", "null"], "pattern": "^[0-9]+(\\.[0-9]{1,3})?$"}}}}}},
            "responses": {**ok(ref("BillingTeam")), **errs(400, 401, 403, 413, 422)}}},
    "/v1/billing-team/seats": {
        "get": {"operationId": "seats", "summary": "Seats: held, reserved, pending", "responses": {**ok({"type": "array", "items": ref("Seat")}), **errs(401, 403)}},
        "put": {"operationId": "updateSeats", "summary": "Add or replace seats, reported per item (R26)",
            "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object", "additionalProperties": False, "minProperties": 1,
                "properties": {"add_seats": {"type": "array", "maxItems": 1000, "items": {"type": "string"}, "description": "Emails; each refused one is reported in its item (R26)"},
                "replace_seats": {"type": "array", "maxItems": 1000, "items": {"type": "object", "additionalProperties": False, "required": ["from", "to"],
                    "properties": {"from": {"type": "string"}, "to": {"type": "string"}}}}}}}}},
            "responses": {**ok({"type": "object", "properties": {"results": {"type": "array", "items": ref("SeatItem")}}}), **errs(400, 401, 403, 413)}}},
    "/v1/billing-team/seats/{email}": {"delete": {"operationId": "removeSeat", "summary": "Remove a seat (R26)",
        "parameters": [{"name": "email", "in": "path", "required": True, "schema": {"type": "string", "format": "email"}}],
        "responses": {**ok(ref("SeatItem")), **errs(401, 403, 404, 422)}}},
}
doc = {"openapi": "3.1.0",
    "info": {"title": "Coffer", "version": "1.0.0", "description": "The HTTP API of `coffer serve` (SPEC.md §12, R38–R41). Every error is one line: {\"error\": \"...\"}."},
    "servers": [{"url": "http://127.0.0.1:8080"}],
    "security": [{"bearer": []}],
    "paths": paths,
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "A key from `coffer keys create NAME` (R38)"}},
        "responses": {"Error": {"description": "A one-line error (R41)", "content": {"application/json": {"schema": {
            "type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}}}}}},
        "schemas": {"Event": event, "EventResult": event_result, "UsageResult": result, "Member": member, "BillingTeam": billing_team,
            "Seat": seat, "SeatItem": item, "UsageRow": row, "ChargeLine": charge}}}
for p in paths.values():
    for op in p.values():
        op.setdefault("responses", {})
target = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "Sources", "CofferServer", "openapi.json")
with open(target, "w") as out:
    json.dump(doc, out, indent=1, sort_keys=True)
    out.write("\n")
