//! Health and the OpenAPI document, generated from the route table.

use serde_json::{json as value, Map, Value};
use worker::{Method, Response};

use super::ROUTES;
use crate::ctx::json;
use crate::error::ApiError;
use crate::router::Access;

pub fn health() -> Result<Response, ApiError> {
    json(200, &domain::api::Health { status: "ok".into(), version: env!("CARGO_PKG_VERSION").into() })
}

fn method_name(m: &Method) -> &'static str {
    match m {
        Method::Get => "get",
        Method::Post => "post",
        Method::Put => "put",
        Method::Patch => "patch",
        Method::Delete => "delete",
        _ => "options",
    }
}

/// The OpenAPI 3.1 document of every route in the table.
pub fn document() -> Value {
    let error = value!({"$ref": "#/components/responses/Error"});
    let mut paths = Map::new();
    for route in ROUTES {
        let params: Vec<Value> = route
            .path
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| value!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
            .collect();
        let mut responses = Map::new();
        responses.insert("2XX".into(), value!({"description": "Success"}));
        for code in ["400", "404", "409", "413", "422"] {
            responses.insert(code.into(), error.clone());
        }
        let mut op = value!({
            "summary": route.summary,
            "operationId": format!("{:?}", route.endpoint),
            "parameters": params,
        });
        match route.access {
            Access::Anyone => op["security"] = value!([]),
            Access::Role(role) => {
                op["security"] = value!([{"session": []}]);
                op["x-kefu-role"] = value!(role.as_str());
                responses.insert("401".into(), error.clone());
                responses.insert("403".into(), error.clone());
            }
        }
        if matches!(route.method, Method::Post | Method::Put | Method::Patch) {
            // A body in any other media type is refused with 415.
            responses.insert("415".into(), error.clone());
            op["requestBody"] = value!({"required": true, "content": {"application/json": {"schema": {"type": "object"}}}});
        }
        op["responses"] = Value::Object(responses);
        let entry = paths.entry(route.path).or_insert_with(|| value!({}));
        entry[method_name(&route.method)] = op;
    }
    value!({
        "openapi": "3.1.0",
        "info": {"title": "Kefu", "version": env!("CARGO_PKG_VERSION")},
        "paths": paths,
        "components": {
            "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": crate::auth::COOKIE}},
            "responses": {"Error": {
                "description": "{\"error\": {\"code\", \"message\", \"field\"}}",
                "content": {"application/json": {"schema": {"type": "object", "required": ["error"]}}}
            }}
        }
    })
}

pub fn openapi() -> Result<Response, ApiError> {
    json(200, &document())
}
