//! Bulk work end to end against the fake Okta: `assign_many`, `update_many`, `unassign_many`,
//! per-item failures, a stopped batch resumed from its JSON report, and a POST under 503. Every
//! count comes from the fake's request log; no test measures time.

use std::collections::HashMap;
use std::sync::Arc;

use idp_okta::models::{AppUserAssignRequest, AppUserCredentials, AppUserUpdateRequest};
use idp_okta::{BulkReport, Client, RetryPolicy};
use idp_test_support::RecordingSleeper;
use idp_testkit::{FakeOkta, Fault};
use serde_json::json;

use crate::common::TestResult;

const APP: &str = "0oabulkapp";

/// A started fake with `n` directory users (`00ubulk0`, …), and a client on it with the default
/// retry policy (waits recorded, not slept), so that any re-send would show in the log.
async fn fake(n: usize) -> Result<(FakeOkta, Client, Vec<String>), Box<dyn std::error::Error>> {
    let okta = FakeOkta::start().await?;
    let users: Vec<String> = (0..n).map(|i| format!("00ubulk{i}")).collect();
    okta.add_users(users.iter().cloned());
    let client = Client::builder()
        .org_url(okta.base_url())
        .api_token(okta.api_token().to_owned())
        .retry_policy(RetryPolicy::default())
        .sleeper(Arc::new(RecordingSleeper::new()))
        .build()?;
    Ok((okta, client, users))
}

/// How many `assignUserToApplication` requests the fake received for each user id.
fn assigns_per_user(okta: &FakeOkta) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for r in okta.requests() {
        if r.operation == Some("assignUserToApplication") {
            let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap_or_default();
            let id = body["id"].as_str().unwrap_or_default().to_owned();
            *counts.entry(id).or_insert(0) += 1;
        }
    }
    counts
}

#[tokio::test]
async fn assign_many_with_one_item_answered_400_reports_exactly_that_item_failed() -> TestResult {
    let (okta, client, users) = fake(30).await?;
    // Okta answers 400 E0000041 to credentials on an app whose scheme forbids them.
    okta.forbid_app_credentials(APP);
    let requests = users.iter().enumerate().map(|(i, u)| {
        let request = AppUserAssignRequest::new(u.as_str());
        if i == 17 {
            request.credentials(AppUserCredentials::user_name("rae@example.com"))
        } else {
            request
        }
    });
    let report = client
        .application_users()
        .assign_many(APP, requests)
        .run()
        .await;
    assert_eq!(report.failed.len(), 1, "{report:?}");
    let failure = &report.failed[0];
    assert_eq!(failure.index, 17);
    assert_eq!(failure.key.as_deref(), Some("00ubulk17"));
    assert_eq!(failure.error.status, Some(400));
    assert_eq!(failure.error.code.as_deref(), Some("E0000041"));
    assert_eq!(
        failure.error.operation.as_deref(),
        Some("assignUserToApplication")
    );
    assert!(failure.error.request_id.is_some(), "Okta's request id");
    let others: Vec<usize> = (0..30).filter(|&i| i != 17).collect();
    assert_eq!(report.succeeded, others);
    for (i, user) in users.iter().enumerate() {
        assert_eq!(okta.app_user(APP, user).is_some(), i != 17, "{user}");
    }
    assert!(assigns_per_user(&okta).values().all(|&n| n == 1));
    let json = serde_json::to_string(&report)?;
    assert!(!json.contains(okta.api_token()), "no secret in the report");
    Ok(())
}

#[tokio::test]
async fn a_stopped_assign_many_resumed_from_its_json_report_sends_each_remaining_item_once()
-> TestResult {
    let (okta, client, users) = fake(40).await?;
    let batch = || {
        client
            .application_users()
            .assign_many(
                APP,
                users.iter().map(|u| AppUserAssignRequest::new(u.as_str())),
            )
            .concurrency(4)
    };
    let mut stream = batch().stream();
    for _ in 0..15 {
        let outcome = stream.next().await.expect("an outcome");
        assert!(outcome.result.is_ok(), "{outcome:?}");
    }
    let saved = serde_json::to_string(&stream.into_report())?;
    let first: BulkReport = serde_json::from_str(&saved)?;
    assert_eq!(first.succeeded.len(), 15);

    let second = batch().resume(serde_json::from_str(&saved)?)?.run().await;
    let counts = assigns_per_user(&okta);
    for (i, user) in users.iter().enumerate() {
        let sent = counts.get(user).copied().unwrap_or(0);
        if first.interrupted.contains(&i) {
            // Cut off in flight: it may have reached Okta; a POST is never sent again.
            assert!(sent <= 1, "{user} sent {sent} times");
            let failure = second.failed.iter().find(|f| f.index == i).expect("listed");
            assert_eq!(failure.error.kind, "interrupted");
        } else {
            // Finished in the first run, or left for the second: exactly once in all.
            assert_eq!(sent, 1, "{user}");
            assert!(okta.app_user(APP, user).is_some(), "{user} assigned");
        }
    }
    assert_eq!(second.skipped.len(), 15 + first.interrupted.len());
    assert_eq!(second.succeeded.len(), 40 - first.interrupted.len());
    assert!(second.is_complete() && second.interrupted.is_empty());
    Ok(())
}

#[tokio::test]
async fn a_post_item_under_503_is_sent_once() -> TestResult {
    let (okta, client, users) = fake(5).await?;
    okta.faults()
        .route("POST", &format!("/api/v1/apps/{APP}/users"))
        .next(1, Fault::Status(503));
    let report = client
        .application_users()
        .assign_many(
            APP,
            users.iter().map(|u| AppUserAssignRequest::new(u.as_str())),
        )
        .run()
        .await;
    let faulted = okta
        .requests()
        .into_iter()
        .find(|r| r.fault.is_some())
        .expect("one request got the 503");
    let faulted_user = serde_json::from_slice::<serde_json::Value>(&faulted.body)?["id"]
        .as_str()
        .map(str::to_owned);
    assert_eq!(okta.requests().len(), 5, "five items, five requests");
    assert!(assigns_per_user(&okta).values().all(|&n| n == 1));
    assert_eq!(report.failed.len(), 1);
    assert_eq!(report.failed[0].error.status, Some(503));
    assert_eq!(report.failed[0].key, faulted_user);
    assert_eq!(report.succeeded.len(), 4);
    Ok(())
}

#[tokio::test]
async fn update_many_and_unassign_many_run_every_item_keyed_by_user() -> TestResult {
    let (okta, client, _) = fake(0).await?;
    let users = okta.seed_app_users(APP, 12);
    let updates = users.iter().map(|u| {
        let profile = json!({ "role": format!("role-{u}") });
        (u.clone(), AppUserUpdateRequest::profile(profile))
    });
    let updated = client
        .application_users()
        .update_many(APP, updates)
        .concurrency(3)
        .run()
        .await;
    assert!(updated.is_success(), "{updated:?}");
    assert_eq!(updated.keys, users);
    for user in &users {
        let stored = okta.app_user(APP, user).expect("assigned");
        assert_eq!(stored["profile"]["role"], format!("role-{user}"));
    }
    let removed = client
        .application_users()
        .unassign_many(APP, users.iter().cloned())
        .run()
        .await;
    assert!(removed.is_success(), "{removed:?}");
    assert!(users.iter().all(|u| okta.app_user(APP, u).is_none()));
    Ok(())
}

#[tokio::test]
async fn progress_ends_with_every_item_done() -> TestResult {
    let (_okta, client, users) = fake(25).await?;
    let bulk = client.application_users().assign_many(
        APP,
        users.iter().map(|u| AppUserAssignRequest::new(u.as_str())),
    );
    let progress = bulk.progress();
    let report = bulk.run().await;
    let last = progress.borrow().clone();
    assert!(last.finished);
    assert_eq!((last.done(), last.failed, last.in_flight), (25, 0, 0));
    assert!(report.is_success());
    Ok(())
}
