use mamoru_domain::contact::{ChainRole, ContactDraft, ContactInput, PartyDraft, PartyKind};

use super::support::{actor, each_backend, org_with_facility};

fn contact(name: &str, role: &str, order: &str) -> ContactDraft {
    ContactDraft::parse(&ContactInput {
        name: name.into(),
        role: role.into(),
        order: order.into(),
        phone: "03-0000-0000".into(),
        ..Default::default()
    })
    .unwrap()
}

#[tokio::test]
async fn the_chain_is_in_order_and_per_facility() {
    each_backend(|t| async move {
        let s = &t.store;
        let (org, hospital) = org_with_facility(s, "A", "病院").await;
        let clinic = s
            .create_facility(
                org,
                &mamoru_domain::FacilityDraft { name: "診療所".into(), ..Default::default() },
                &actor(),
            )
            .await
            .unwrap();
        let mhlw = s
            .create_party(org, &PartyDraft { name: "厚生労働省".into(), kind: PartyKind::Mhlw, notes: None }, &actor())
            .await
            .unwrap();
        s.create_contact(org, Some(mhlw), None, &contact("医療情報担当参事官室", "報告先", "1"), &actor())
            .await
            .unwrap();
        s.create_contact(org, None, Some(hospital), &contact("情報システム課 山田", "第一報", "2"), &actor())
            .await
            .unwrap();
        s.create_contact(org, None, Some(hospital), &contact("情報システム課 佐藤", "第一報", "1"), &actor())
            .await
            .unwrap();
        let c = s.create_contact(org, None, Some(clinic), &contact("院長", "管理者", "1"), &actor()).await.unwrap();

        let chain = s.contact_chain(org, Some(hospital)).await.unwrap();
        let names: Vec<_> = chain.iter().map(|e| e.contact.draft.name.as_str()).collect();
        assert_eq!(names, ["情報システム課 佐藤", "情報システム課 山田", "医療情報担当参事官室"], "{}", t.name);
        assert_eq!(chain[2].party.as_ref().unwrap().draft.kind, PartyKind::Mhlw);
        assert_eq!(s.contact_chain(org, Some(clinic)).await.unwrap().len(), 2);
        assert_eq!(s.contact_chain(org, None).await.unwrap().len(), 4);

        let mut d = contact("院長 鈴木", "管理者", "1");
        d.role = ChainRole::Executive;
        s.update_contact(org, c, None, Some(clinic), &d, &actor()).await.unwrap();
        assert_eq!(s.contact(org, c).await.unwrap().draft.name, "院長 鈴木");
        s.delete_party(org, mhlw, &actor()).await.unwrap();
        assert_eq!(s.contact_chain(org, None).await.unwrap().len(), 3, "contacts go with their party");
    })
    .await;
}
