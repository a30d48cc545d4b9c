use serde_json::{Value, json};

use super::*;

const QUERY: &str = "query Q($offset: Int!, $limit: Int!) {
  users(offset: $offset, limit: $limit, sort: [{field: \"id\", direction: \"asc\"}]) {
    items { id email isActive teams { name } manager { id } }
    pageInfo { count next offset limit }
  }
}";

async fn post(fake: &FakeKiwi, key: Option<&str>, body: Value) -> (u16, Value) {
    let mut req = reqwest::Client::new().post(fake.endpoint_url()).json(&body);
    if let Some(k) = key {
        req = req.header("x-API-key", k);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn pages_follow_offset_and_limit_exactly_in_id_order() {
    let fake = FakeKiwi::builder().people(5).start().await.unwrap();
    let key = fake.api_key().to_owned();
    let mut ids = Vec::new();
    for offset in [0, 2, 4] {
        let (status, v) = post(
            &fake,
            Some(&key),
            json!({"query": QUERY, "variables": {"offset": offset, "limit": 2}}),
        )
        .await;
        assert_eq!(status, 200, "{v}");
        let page = &v["data"]["users"];
        assert_eq!(page["pageInfo"]["count"], 5);
        assert_eq!(page["pageInfo"]["next"].is_null(), offset == 4);
        for u in page["items"].as_array().unwrap() {
            assert!(u["id"].is_string());
            assert!(u["teams"].is_array());
            ids.push(u["id"].as_str().unwrap().parse::<u64>().unwrap());
        }
    }
    let expected: Vec<u64> = fake.users().iter().map(|u| u.id).collect();
    assert_eq!(ids, expected);
}

#[tokio::test]
async fn a_misspelled_field_is_a_graphql_error_with_a_location() {
    let fake = FakeKiwi::builder().start().await.unwrap();
    let q = "{\n  users(offset: 0, limit: 1) {\n    items { id jobTitle }\n  }\n}";
    let (status, v) = post(&fake, Some(fake.api_key()), json!({"query": q})).await;
    assert_eq!(status, 200);
    assert_eq!(
        v["errors"][0]["message"],
        "Cannot query field \"jobTitle\" on type \"User\"."
    );
    assert_eq!(
        v["errors"][0]["locations"][0],
        json!({"line": 3, "column": 16})
    );
    assert!(v["data"].is_null());
}

#[tokio::test]
async fn a_wrong_or_missing_key_is_401_unless_switched_to_200() {
    let fake = FakeKiwi::builder().api_key("right").start().await.unwrap();
    let body = json!({"query": QUERY, "variables": {"offset": 0, "limit": 1}});
    for key in [None, Some("wrong"), Some("RIGHT"), Some("righ")] {
        let (status, v) = post(&fake, key, body.clone()).await;
        assert_eq!(
            (status, v),
            (401, json!({"errors": [{"message": "Unauthorized"}]})),
            "{key:?}"
        );
    }
    let fake = FakeKiwi::builder()
        .unauthorized_with_200(true)
        .start()
        .await
        .unwrap();
    assert_eq!(post(&fake, None, body).await.0, 200);
}

#[tokio::test]
async fn only_post_on_the_graphql_path_is_served() {
    let fake = FakeKiwi::builder().start().await.unwrap();
    let http = reqwest::Client::new();
    let get = http.get(fake.endpoint_url()).send().await.unwrap();
    assert_eq!(get.status().as_u16(), 405);
    let other = http
        .post(format!("http://{}/api/other", fake.addr()))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status().as_u16(), 404);
    let (status, _) = post(&fake, Some(fake.api_key()), json!(["not", "an", "object"])).await;
    assert_eq!(status, 400);
    assert_eq!(fake.requests().len(), 3, "every request is recorded");
}

#[tokio::test]
async fn a_limit_above_the_maximum_is_refused() {
    let fake = FakeKiwi::builder().max_limit(10).start().await.unwrap();
    let (status, v) = post(
        &fake,
        Some(fake.api_key()),
        json!({"query": QUERY, "variables": {"offset": 0, "limit": 11}}),
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        v["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("limit"),
        "{v}"
    );
}

#[tokio::test]
async fn optional_fields_are_explicit_nulls_and_the_fixtures_render_as_documented() {
    let fake = FakeKiwi::builder().start().await.unwrap();
    let q = "{ users(offset: 0, limit: 100) { items { id email employmentEndDate isActive team { name } teams { id name } manager { id email } } } }";
    let (_, v) = post(&fake, Some(fake.api_key()), json!({"query": q})).await;
    let items = v["data"]["users"]["items"].as_array().unwrap().clone();
    let by_id = |id: Option<u64>| {
        items
            .iter()
            .find(|u| u["id"].as_str() == Some(id.unwrap().to_string().as_str()))
            .unwrap()
            .clone()
    };
    let fx = fake.fixtures().clone();
    assert_eq!(by_id(fx.deactivated)["isActive"], false);
    assert_eq!(
        by_id(fx.ended_but_active)["employmentEndDate"],
        "2024-06-30"
    );
    let none = by_id(fx.no_team);
    assert_eq!(
        (none["team"].clone(), none["teams"].clone()),
        (Value::Null, json!([]))
    );
    assert_eq!(by_id(fx.two_teams)["teams"].as_array().unwrap().len(), 2);
    assert_eq!(
        by_id(fx.manager_missing)["manager"],
        json!({"id": Fixtures::MISSING_MANAGER.to_string(), "email": "former.manager@example.com"})
    );
    assert!(
        by_id(fx.mixed_case_email)["email"]
            .as_str()
            .unwrap()
            .contains("@Example.com")
    );
    assert_eq!(
        by_id(fx.duplicate_team_name)["teams"][0]["name"],
        items
            .iter()
            .find(|u| u["id"].as_str() == Some(fx.two_teams.unwrap().to_string().as_str()))
            .unwrap()["teams"][0]["name"]
    );
    let last = items.last().unwrap()["id"].clone();
    assert_eq!(by_id(fx.manager_on_later_page)["manager"]["id"], last);
}

#[tokio::test]
async fn teams_page_like_users_and_include_the_duplicate_name() {
    let fake = FakeKiwi::builder().teams(3).start().await.unwrap();
    let q = "query T($o: Int, $l: Int) { teams(offset: $o, limit: $l) { items { id name } pageInfo { count next } } }";
    let (_, first) = post(
        &fake,
        Some(fake.api_key()),
        json!({"query": q, "variables": {"o": 0, "l": 3}}),
    )
    .await;
    let (_, second) = post(
        &fake,
        Some(fake.api_key()),
        json!({"query": q, "variables": {"o": 3, "l": 3}}),
    )
    .await;
    assert_eq!(
        first["data"]["teams"]["pageInfo"],
        json!({"count": 4, "next": 2})
    );
    assert_eq!(
        second["data"]["teams"]["pageInfo"],
        json!({"count": 4, "next": null})
    );
    let names: Vec<&str> = first["data"]["teams"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["data"]["teams"]["items"].as_array().unwrap())
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 4);
    assert_eq!(names[0], names[3], "two teams share a name");
}

#[tokio::test]
async fn a_required_variable_that_is_not_sent_is_an_error() {
    let fake = FakeKiwi::builder().start().await.unwrap();
    let (status, v) = post(
        &fake,
        Some(fake.api_key()),
        json!({"query": QUERY, "variables": {"ofset": 0, "limit": 2}}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        v["errors"][0]["message"],
        "Variable \"$offset\" of required type \"Int!\" was not provided."
    );
}
