// Package emulator is a faithful in-memory Novita: the management API (endpoints, cloud storage,
// registry credentials, limits, clusters, serverless products) and, under /v1, the async job
// gateway of package gateway, as one http.Handler. It follows the project's API contract and never
// imports the client: the two are independent readings of the same contract.
//
// Where the contract is silent, the emulator decides as follows.
//
//   - Errors: {"code", "reason", "message", "metadata": {}}; not found is HTTP 400 with
//     SERVERLESS_ENDPOINT_NOT_FOUND, NETWORK_STORAGE_NOT_FOUND or RESOURCE_NOT_FOUND (credentials).
//     Another team's objects are answered exactly like missing ones. Bad input is VALIDATOR_PARAM
//     with a message naming the field and the allowed range; malformed JSON is REQUEST. Unknown
//     paths answer 404 NOT_FOUND, a wrong method 405.
//   - Request bodies over 4 MiB answer 413 with reason REQUEST (the size is refused before any
//     parsing, as a front proxy would).
//   - Integer request fields must be JSON numbers (a string is VALIDATOR_PARAM naming the field),
//     except ports[].port, which may be a number or a numeric string.
//   - Responses: workerConfig.freeTimeout, workerConfig.maxConcurrent and policy.value are strings;
//     ports[].port is a string in GET /endpoint and a number in GET /endpoints.
//   - Create defaults: type "async", appName the id, rootfsSize freeRootfsSize (100),
//     requestTimeout 3600, clusterID the product's first region. cudaVersion may stay empty.
//   - Update is a full replacement: every updatable field left out is reset (optional ones such as
//     envs, healthy, image.command and image.authId are cleared; required ones such as
//     workerConfig.freeTimeout then fail validation). appName, type, products and rootfsSize are
//     fixed: left out or unchanged they are kept, a different value is VALIDATOR_PARAM. An empty
//     clusterID keeps the current cluster. Updates are allowed while creating, updating or failed
//     (the update restarts the timer), refused while deleting (OPERATION_LIMIT).
//   - Lifecycle, computed lazily from Options.Now: creating (CreateDelay), updating (UpdateDelay),
//     deleting (DeleteDelay), then serving, or failed when the image reference contains
//     "unpullable"; a deleted endpoint is gone after DeleteDelay. Deleting twice is harmless.
//   - A deleting endpoint still holds its appName, its network storage (NETWORK_STORAGE_IN_USE)
//     and its registry credential (IMAGE_AUTH_IN_USE) until it is gone.
//   - Lists are in creation order; pageNum/pageNo start at 1, pageSize defaults to 20 and is at
//     most 100 (outside 1..100 is VALIDATOR_PARAM). The storageName filter matches substrings.
//   - Storage: names 1-255 letters, digits and hyphens, not unique; size 10..10240 GB (above is
//     NETWORK_STORAGE_TOO_LARGE); a shrink is VALIDATOR_PARAM; price is USD per month as a decimal
//     string (0.07 per GB). Credentials: names are not unique; ids are UUIDs.
//   - Workers in the endpoint view are the job gateway's live workers, for serving endpoints.
//   - Image prewarm (prewarm.go): strict bodies, a quota of 10 tasks and 30 GB per image, states
//     computed from Options.PrewarmTime; a worker whose image is prewarmed in its cluster
//     cold-starts in a fifth of the time.
package emulator
