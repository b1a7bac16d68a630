// Package emulator is a faithful in-memory Novita: GPU API v2's endpoints and serverless products,
// the v1 management API for the rest (limits, clusters, cloud storage, registry credentials) and,
// under /v1, the async job gateway of package gateway, as one http.Handler. It follows the
// project's API contract (novita-api-v2.md, novita-api.md) and never imports the client: the two
// are independent readings of the same contract. Routes lists every route.
//
// Files: endpoints.go (handlers), endpoints_model.go (stored model, lifecycle),
// endpoints_wire.go (v2 JSON in and out), endpoints_validate.go (one small check per rule),
// routes.go (routing, authentication), decode.go (strict bodies), catalog.go (products, clusters,
// limits), storage.go and credentials.go (v1), statefile.go, hooks.go (test hooks).
//
// Facts are tagged as in the contract: [doc] Novita's or PPIO's pages say so, [seen] production
// clients show it, [decided] the docs are silent and this is the emulator's choice.
//
// # Endpoint lifecycle
//
// status.status moves lazily against Options.Now (no goroutines); one table, v1's word on the right:
//
//	status     when                                            workers            v1
//	creating   CreateDelay after POST                          none               creating
//	running    after a create or update settles [doc]          the gateway's      serving
//	updating   UpdateDelay after PUT                           none               updating
//	failed     a create or update settles and the image        none               failed
//	           reference contains "unpullable" (error
//	           IMAGE_PULL_FAILED, message names the image)
//	deleting   DeleteDelay after DELETE, then gone (404)       none               deleting
//
// Worker status.status: "starting" while the gateway's simulated cold start lasts, then "ready"
// [doc: only ready is shown]; health is true when ready, drain is always false and log empty (the
// emulator serves no logs) [decided]. Only running endpoints list workers [decided].
//
// # Decisions
//
//   - Errors: {"code", "reason", "message", "metadata": {}} [decided]. A v2 path naming a missing
//     endpoint answers 404 SERVERLESS_ENDPOINT_NOT_FOUND [decided]; v1's not-found answers stay 400
//     (NETWORK_STORAGE_NOT_FOUND, RESOURCE_NOT_FOUND for credentials) [doc]. Another team's objects
//     answer exactly like missing ones [decided]. Bad input is 400 VALIDATOR_PARAM naming the field
//     (with its full path, as volumes[1].size) and the allowed values; malformed JSON is REQUEST.
//     Unknown paths answer 404 NOT_FOUND and wrong methods 405 REQUEST with Allow, in the same body.
//   - Request bodies over 4 MiB answer 413 REQUEST, refused before parsing [decided].
//   - v2 endpoint bodies are strict [decided]: a key the body does not declare (matched exactly, so
//     "Name" or v1's "workerConfig" are unknown) or a value of the wrong JSON type is VALIDATOR_PARAM;
//     integers must be JSON integers; null counts as left out. v1 bodies ignore unknown keys.
//   - Create [doc: required type, name, product_id, image, worker_config; name and product_id 1-255
//     characters, image 1-500, counted in characters, not bytes]. [decided]: worker_config.max_replicas
//     is required (v2's update schema requires it); app_name defaults to the id and is 1-255 letters,
//     digits and hyphens, not starting with a hyphen (it is part of the job URL), unique per team
//     (SERVERLESS_APP_NAME_IS_EXIST); entrypoint and command at most 2047 characters (v1's command
//     limit); registry_auth_id must name one of the team's credentials (RESOURCE_NOT_FOUND).
//   - Ranges come from DefaultLimits (GET /endpoint/limit stays on v1) [decided]: min_replicas and
//     max_replicas 0-100 (within v2's documented [0, 1000]), max_replicas >= min_replicas,
//     idle_timeout 1-3600, max_concurrent_per_worker 1-100, request_timeout 1-3600, min_cuda_version
//     one of cudaVersionList, policy.value 1-3600 (queue, seconds) or 1-100 (concurrency). gpu_num and
//     rootfs_size_gb are bounded by the product's resource_spec (gpu.min..max, rootfs.min_gb..max_gb).
//   - ports: exactly one, 1-65535 [doc: v2's range], except 2222-2224 [decided: v1's one-port and
//     reserved-port rules carried over]. health_check.path is empty or starts with /; health_check.port
//     left out is the endpoint's port [decided].
//   - Defaults [decided]: request_timeout 3600, rootfs_size_gb the product's rootfs.free_gb (100),
//     policy DefaultPolicy (queue, 60 s), min_replicas 0, region_id the product's first region.
//   - region_id is a v1 cluster id [decided]: it must be a known cluster offering the product; a
//     network volume needs region_id equal to its storage's cluster (its size is the storage's; a
//     size sent is ignored); local volumes are 10-1000 GB and mount points absolute and distinct.
//   - PUT is a full replacement [decided]: optional fields left out are cleared or take their
//     defaults, required ones left out fail validation as on create. type and app_name are not update
//     fields: sending them is VALIDATOR_PARAM. product_id [doc: updatable] and rootfs_size_gb (in
//     worker_config, which v2's update takes) can change and are checked against the new product. A
//     left-out region_id keeps the current region, which must offer the (new) product. Updates are
//     allowed while creating, updating or failed (the timer restarts), refused while deleting
//     (OPERATION_LIMIT). PUT and DELETE answer {}.
//   - A deleting endpoint still holds its app_name, its network storage (NETWORK_STORAGE_IN_USE) and
//     its registry credential (IMAGE_AUTH_IN_USE) until it is gone. Deleting twice is harmless.
//   - GET answers the endpoint unwrapped with exactly the keys of the documented example, in its
//     order [doc]; worker_config numbers are JSON numbers, min_cuda_version a string, created_at Unix
//     seconds, owner_id a UUID stable per team, member_id a UUID stable per API key (a one-way hash)
//     [decided]. Its volumes have no size; list items have no type and their volumes carry size [doc].
//   - url and job names [decided, novita-api-v2.md 8.1]: an async endpoint's url is the emulator's
//     gateway, <scheme>://<request host>/v1/<id>-<app_name>, and the gateway takes both
//     <id>-<app_name> and the bare <id>; a sync endpoint's url is a fictional host, and the gateway
//     refuses it as not async.
//   - List [doc: limit, cursor, keyword, member_ids; data, next_cursor, has_more; first page without a
//     cursor or with ""]. [decided]: creation order; limit absent or 0 is 20, at most 100 (more is
//     VALIDATOR_PARAM); the cursor is opaque, stays valid when the endpoint it follows is deleted, and
//     one this API did not issue is VALIDATOR_PARAM; has_more is false and next_cursor "" on the last
//     page; keyword is a case-insensitive substring of name, app_name or id; member_ids is a
//     comma-separated list of member_id values; filters and paging combine.
//   - Products: GET /gpus/v2/products in PPIO's documented shape [doc], postpaid prices only, as
//     integers with precision 5 (USD, an assumption) [decided]. type empty or absent means gpu [doc];
//     category is required [seen]; other values of either are VALIDATOR_PARAM naming the allowed ones;
//     type cpu or category instance answer an empty list; other query parameters are ignored [decided].
//   - v1 lists (storage) are in creation order; pageNo starts at 1, pageSize defaults to 20 and is at
//     most 100. Storage: names 1-255 letters, digits and hyphens, not unique; size 10..10240 GB (above
//     is NETWORK_STORAGE_TOO_LARGE); a shrink is VALIDATOR_PARAM; price is USD per month as a decimal
//     string (0.07 per GB). Credentials: names are not unique; ids are UUIDs [decided].
//   - Options.StateFile holds format 2; a format 1 file (v1 endpoints) is refused with what to do,
//     not migrated: the emulator's objects are disposable [decided].
//   - Test hooks (Endpoint, ChangeEndpoint, RemoveEndpoint, Counts, InjectFault, Requests, Gateway)
//     bypass HTTP and teams. Requests counts by exact URL path and by route pattern, and a Fault's
//     Path may be either.
//   - Image prewarm (prewarm.go): strict bodies, a quota of 10 tasks and 30 GB per image, states
//     computed from Options.PrewarmTime; a worker whose image is prewarmed in its cluster
//     cold-starts in a fifth of the time [decided].
package emulator
