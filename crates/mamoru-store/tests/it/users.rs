use jiff::Timestamp;
use mamoru_domain::access::{Grant, Role, Scope};
use mamoru_store::{Error, NewApiToken, NewUser, Session};

use super::support::{actor, each_backend, org_with_facility};

fn session(user: mamoru_domain::UserId, token: &str) -> Session {
    let now = Timestamp::now();
    Session {
        token_hash: token.into(),
        user_id: user,
        csrf_token: "csrf".into(),
        verified: true,
        created_at: now,
        last_seen_at: now,
        expires_at: now + jiff::SignedDuration::from_hours(8),
        ip: None,
        user_agent: None,
    }
}

#[tokio::test]
async fn accounts_grants_and_secrets() {
    each_backend(|t| async move {
        let s = &t.store;
        let (org, f) = org_with_facility(s, "A", "病院").await;
        let new = NewUser {
            email: "nurse@example.jp".into(),
            display_name: "看護師長".into(),
            password_hash: "$argon2id$fake".into(),
            grants: vec![
                Grant { role: Role::Staff, scope: Scope::Facility(f) },
                Grant { role: Role::Auditor, scope: Scope::Organization },
            ],
        };
        let id = s.create_user(org, &new, &actor()).await.unwrap();
        let dup = s.create_user(org, &new, &actor()).await;
        assert!(matches!(dup, Err(Error::Conflict { .. })), "{}", t.name);

        let u = s.user_by_email("NURSE@example.jp").await.unwrap().unwrap();
        assert_eq!((u.id, u.grants.len(), u.totp_enabled), (id, 2, false));

        s.set_totp(org, id, Some("JBSWY3DPEHPK3PXP"), true, &actor()).await.unwrap();
        s.create_session(&session(id, "keep")).await.unwrap();
        s.create_session(&session(id, "other")).await.unwrap();
        s.set_password(org, id, "$argon2id$new", Some("keep"), &actor()).await.unwrap();
        assert!(s.session("keep").await.unwrap().is_some());
        assert!(s.session("other").await.unwrap().is_none(), "other sessions end with a new password");
        let u = s.user(org, id).await.unwrap();
        assert_eq!(
            (u.password_hash.as_str(), u.totp_secret.as_deref(), u.totp_enabled),
            ("$argon2id$new", Some("JBSWY3DPEHPK3PXP"), true)
        );

        let later = Timestamp::now() + jiff::SignedDuration::from_secs(30);
        s.record_login_failure(id, 5, Some(later)).await.unwrap();
        let u = s.user(org, id).await.unwrap();
        assert_eq!(u.failed_logins, 5);
        s.record_login_success(id, Timestamp::now()).await.unwrap();
        assert_eq!(s.user(org, id).await.unwrap().failed_logins, 0);

        s.update_user(
            org,
            id,
            "看護部長",
            &[Grant { role: Role::Manager, scope: Scope::Organization }],
            true,
            &actor(),
        )
        .await
        .unwrap();
        let u = s.user(org, id).await.unwrap();
        assert!(u.disabled && u.grants == [Grant { role: Role::Manager, scope: Scope::Organization }]);
        assert!(s.session("keep").await.unwrap().is_none(), "disabling ends sessions");

        // The audit log never holds a secret.
        for e in s.audit_entries(org, &Default::default()).await.unwrap() {
            let text = format!("{:?}{:?}", e.before, e.after);
            assert!(!text.contains("argon2") && !text.contains("JBSWY3DP"), "{text}");
        }
    })
    .await;
}

#[tokio::test]
async fn tokens_are_found_by_hash_and_revoked() {
    each_backend(|t| async move {
        let s = &t.store;
        let (org, _) = org_with_facility(s, "A", "病院").await;
        let (other, _) = org_with_facility(s, "B", "病院").await;
        let new = NewUser {
            email: "a@example.jp".into(),
            display_name: "a".into(),
            password_hash: "h".into(),
            grants: vec![],
        };
        let user = s.create_user(org, &new, &actor()).await.unwrap();
        let id = s
            .create_api_token(
                org,
                &NewApiToken {
                    user,
                    name: "監視スクリプト",
                    token_hash: "hash1",
                    prefix: "mmr_abcd",
                    expires_at: None,
                },
                &actor(),
            )
            .await
            .unwrap();
        let tok = s.api_token_by_hash("hash1").await.unwrap().unwrap();
        assert_eq!((tok.id, tok.user_id, tok.revoked_at), (id, user, None), "{}", t.name);
        assert!(matches!(s.revoke_api_token(other, user, id, &actor()).await, Err(Error::NotFound { .. })));
        s.revoke_api_token(org, user, id, &actor()).await.unwrap();
        assert!(s.api_token_by_hash("hash1").await.unwrap().unwrap().revoked_at.is_some());
        assert_eq!(s.api_tokens(org, user).await.unwrap().len(), 1);
    })
    .await;
}
