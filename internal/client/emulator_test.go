package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
	"github.com/novitalabs/terraform-provider-novita/internal/emulator"
	"github.com/novitalabs/terraform-provider-novita/internal/emulator/emulatortest"
)

// The tests in this file run every client operation against the emulator: two independent
// readings of the contract that must agree.

const lifecycleDelay = 30 * time.Millisecond

func newEmulatorClient(t *testing.T) (*client.Client, *emulator.Emulator) {
	t.Helper()
	emu, srv := emulatortest.Start(t, emulator.Options{
		CreateDelay: lifecycleDelay, UpdateDelay: lifecycleDelay, DeleteDelay: lifecycleDelay,
		Speed: 1000,
	})
	c, err := client.New(client.Config{
		APIKey:       emulator.DefaultAPIKey,
		BaseURL:      srv.URL,
		AsyncBaseURL: srv.URL + "/v1",
		PollFloor:    5 * time.Millisecond,
		PollCeiling:  20 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	client.SetBackoffBaseForTest(c, time.Millisecond)
	return c, emu
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestEmulatorCatalogue(t *testing.T) {
	c, _ := newEmulatorClient(t)
	ctx := testContext(t)

	limits, err := c.GetEndpointLimits(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := emulator.DefaultLimits
	if int(limits.MaxWorkerNum) != want.MaxWorkerNum || int(limits.MaxGPUNum) != want.MaxGPUNum ||
		int(limits.FreeRootfsSize) != want.FreeRootfsSize || int(limits.MaxRequestTimeout) != want.MaxRequestTimeout ||
		!slices.Equal(limits.CudaVersionList, want.CudaVersionList) {
		t.Errorf("limits = %+v, emulator has %+v", limits, want)
	}

	clusters, err := c.ListClusters(ctx)
	if err != nil || len(clusters) != len(emulator.Clusters) {
		t.Fatalf("clusters = %+v, %v", clusters, err)
	}
	for i, cl := range clusters {
		e := emulator.Clusters[i]
		if cl.ID != e.ID || cl.Name != e.Name || cl.SupportNetworkStorage != e.SupportNetworkStorage ||
			!slices.Equal(cl.AvailableGPUType, e.AvailableGPUTypes) {
			t.Errorf("cluster %d = %+v, emulator has %+v", i, cl, e)
		}
	}

	products, err := c.ListServerlessProducts(ctx)
	if err != nil || len(products) != len(emulator.Products) {
		t.Fatalf("products = %+v, %v", products, err)
	}
	for i, p := range products {
		e := emulator.Products[i]
		if p.ID != e.ID || p.Name != e.Name || p.Category != "serverless" || !slices.Equal(p.RegionIDs, e.RegionIDs) ||
			p.Deployable != e.Deployable || p.InventoryState != e.InventoryState ||
			int(p.ResourceSpec.GPU.Max) != e.ResourceSpec.GPU.Max || int(p.ResourceSpec.Rootfs.MaxGB) != e.ResourceSpec.Rootfs.MaxGB {
			t.Errorf("product %d = %+v, emulator has %+v", i, p, e)
		}
	}
}

func TestEmulatorCloudStorageCRUD(t *testing.T) {
	c, emu := newEmulatorClient(t)
	ctx := testContext(t)

	id, err := c.CreateCloudStorage(ctx, client.CreateCloudStorageRequest{ClusterID: "us-dallas-1", Name: "models", SizeGB: 20})
	if err != nil {
		t.Fatal(err)
	}
	if st, ok := emu.CloudStorage(id); !ok || st.Name != "models" || st.SizeGB != 20 {
		t.Fatalf("emulator holds %+v for %q", st, id)
	}
	st, err := c.GetCloudStorage(ctx, id)
	if err != nil || st.ID != id || st.Name != "models" || st.SizeGB != 20 || st.ClusterID != "us-dallas-1" || st.ClusterName == "" {
		t.Fatalf("GetCloudStorage = %+v, %v", st, err)
	}
	if _, err := c.CreateCloudStorage(ctx, client.CreateCloudStorageRequest{ClusterID: "eu-frankfurt-1", Name: "other", SizeGB: 10}); err != nil {
		t.Fatal(err)
	}
	named, err := c.ListCloudStorages(ctx, "models")
	if err != nil || len(named) != 1 || named[0].ID != id {
		t.Errorf("list by name = %+v, %v", named, err)
	}
	all, err := c.ListCloudStorages(ctx, "")
	if err != nil || len(all) != 2 {
		t.Errorf("list = %+v, %v", all, err)
	}

	if err := c.UpdateCloudStorage(ctx, client.UpdateCloudStorageRequest{ID: id, Name: "models-v2", SizeGB: 40}); err != nil {
		t.Fatal(err)
	}
	st, err = c.GetCloudStorage(ctx, id)
	if err != nil || st.Name != "models-v2" || st.SizeGB != 40 {
		t.Errorf("after update: %+v, %v", st, err)
	}
	err = c.UpdateCloudStorage(ctx, client.UpdateCloudStorageRequest{ID: id, Name: "models-v2", SizeGB: 30})
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || apiErr.Message == "" {
		t.Errorf("shrinking: %v, want a 400 with a message", err)
	}

	if err := c.DeleteCloudStorage(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetCloudStorage(ctx, id); !client.IsNotFound(err) {
		t.Errorf("after delete: %v, want not found", err)
	}
	if err := c.DeleteCloudStorage(ctx, id); !client.IsNotFound(err) {
		t.Errorf("second delete: %v, want not found", err)
	}
}

func TestEmulatorRegistryCredentials(t *testing.T) {
	c, emu := newEmulatorClient(t)
	ctx := testContext(t)

	// Names are not unique: concurrent creates of the same name must still learn their own ids.
	ids := make([]string, 4)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id, err := c.CreateRegistryCredential(ctx, client.CreateRegistryCredentialRequest{
				Name: "dockerhub", Username: "bot", Password: fmt.Sprintf("secret-%d", i)})
			if err != nil {
				t.Errorf("create %d: %v", i, err)
			}
			ids[i] = id
		}()
	}
	wg.Wait()
	for i, id := range ids {
		if cred, ok := emu.RegistryCredential(id); !ok || cred.Password != fmt.Sprintf("secret-%d", i) {
			t.Errorf("create %d returned %q, which the emulator holds as %+v", i, id, cred)
		}
	}

	got, err := c.GetRegistryCredential(ctx, ids[2])
	if err != nil || got.Name != "dockerhub" || got.Username != "bot" || got.Password != "secret-2" {
		t.Errorf("GetRegistryCredential = %+v, %v", got, err)
	}
	list, err := c.ListRegistryCredentials(ctx)
	if err != nil || len(list) != len(ids) {
		t.Errorf("list = %d, %v", len(list), err)
	}
	if err := c.DeleteRegistryCredential(ctx, ids[2]); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetRegistryCredential(ctx, ids[2]); !client.IsNotFound(err) {
		t.Errorf("after delete: %v, want not found", err)
	}
	if err := c.DeleteRegistryCredential(ctx, ids[2]); !client.IsNotFound(err) {
		t.Errorf("second delete: %v, want not found", err)
	}
}

func endpointSpec(name string) client.EndpointSpec {
	return client.EndpointSpec{
		Type:    client.EndpointAsync,
		AppName: name + "-app",
		EndpointConfig: client.EndpointConfig{
			Name:      name,
			ProductID: "SL-serverless-1",
			Image:     "novitalabs/echo-worker:1",
			WorkerConfig: client.WorkerConfig{MinReplicas: 1, MaxReplicas: 2, IdleTimeout: 300, MaxConcurrentPerWorker: 2, GPUNum: 1,
				RootfsSizeGB: 100, RequestTimeout: 600, MinCudaVersion: "12.4"},
			Ports:       []client.Int{8080},
			Policy:      client.Policy{Type: "queue", Value: 60},
			Envs:        []client.Env{{Key: "MODE", Value: "test"}},
			HealthCheck: &client.HealthCheck{Path: "/health", Port: 8080},
		},
	}
}

func TestEmulatorEndpointLifecycle(t *testing.T) {
	c, emu := newEmulatorClient(t)
	ctx := testContext(t)

	storageID, err := c.CreateCloudStorage(ctx, client.CreateCloudStorageRequest{ClusterID: "us-dallas-1", Name: "weights", SizeGB: 50})
	if err != nil {
		t.Fatal(err)
	}
	authID, err := c.CreateRegistryCredential(ctx, client.CreateRegistryCredentialRequest{Name: "hub", Username: "u", Password: "p"})
	if err != nil {
		t.Fatal(err)
	}
	spec := endpointSpec("lifecycle")
	spec.RegionID = "us-dallas-1"
	spec.RegistryAuthID = authID
	spec.Volumes = []client.Volume{
		{Type: "network", ID: storageID, MountPoint: "/weights"},
		{Type: "local", Size: 30, MountPoint: "/scratch"},
	}

	id, err := c.CreateEndpoint(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	if e, ok := emu.Endpoint(id); !ok || e.Port != 8080 || e.AppName != "lifecycle-app" {
		t.Fatalf("emulator holds %+v", e)
	}
	ep, err := c.WaitForEndpointServing(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if ep.ID != id || ep.Type != client.EndpointAsync || ep.Name != "lifecycle" || ep.AppName != "lifecycle-app" ||
		ep.Status.Readiness() != client.Ready || ep.WorkerConfig != spec.WorkerConfig || ep.Ports[0] != 8080 ||
		ep.Policy != spec.Policy || ep.Image != spec.Image || ep.RegistryAuthID != authID || ep.RegionID != "us-dallas-1" ||
		len(ep.Volumes) != 2 || !slices.Equal(ep.Envs, spec.Envs) || ep.HealthCheck == nil || *ep.HealthCheck != *spec.HealthCheck ||
		ep.ProductID != "SL-serverless-1" || ep.URL == "" || ep.CreatedAt == 0 || ep.OwnerID == "" {
		t.Errorf("served endpoint differs from its spec:\n got %+v\nspec %+v", ep, spec)
	}

	list, err := c.ListEndpoints(ctx, "")
	if err != nil || len(list) != 1 || list[0].ID != id {
		t.Errorf("ListEndpoints = %+v, %v", list, err)
	}

	// Jobs through the gateway.
	// The emulator reports the job name in the url (novita-api-v2.md 8.1): the client reads it there.
	name := ep.JobName
	if name != client.JobName(id, ep.AppName) {
		t.Errorf("job name %q from url %q, want %q", name, ep.URL, client.JobName(id, ep.AppName))
	}
	job, err := c.SubmitJob(ctx, name, json.RawMessage(`{"hello":"world"}`))
	if err != nil || job.ID == "" || job.Terminal() {
		t.Fatalf("SubmitJob = %+v, %v", job, err)
	}
	done, err := c.WaitForJob(ctx, name, job.ID)
	if err != nil || done.Status != client.JobCompleted || len(done.Output) == 0 {
		t.Fatalf("WaitForJob = %+v, %v", done, err)
	}
	job, err = c.SubmitJob(ctx, name, json.RawMessage(`{"error":"worker says no"}`))
	if err != nil {
		t.Fatal(err)
	}
	if done, err := c.WaitForJob(ctx, name, job.ID); err != nil || done.Status != client.JobFailed || done.Error != "worker says no" {
		t.Errorf("failing job: %+v, %v", done, err)
	}
	health, err := c.GetEndpointHealth(ctx, name)
	if err != nil || health.Jobs.Completed < 1 || health.Workers.Total < 1 {
		t.Errorf("GetEndpointHealth = %+v, %v", health, err)
	}
	if _, err := c.GetJob(ctx, name, "no-such-job"); !client.IsNotFound(err) {
		t.Errorf("unknown job: %v, want not found", err)
	}

	// Update: the full updatable configuration, then wait for it to serve again.
	spec.Name = "lifecycle-renamed"
	spec.WorkerConfig.MaxReplicas = 4
	spec.Policy = client.Policy{Type: "concurrency", Value: 3}
	spec.Envs = append(spec.Envs, client.Env{Key: "EXTRA", Value: "1"})
	spec.Volumes = spec.Volumes[:1]
	if err := c.UpdateEndpoint(ctx, id, spec.EndpointConfig); err != nil {
		t.Fatal(err)
	}
	ep, err = c.WaitForEndpointServing(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if ep.Name != "lifecycle-renamed" || ep.WorkerConfig.MaxReplicas != 4 || ep.Policy != spec.Policy || len(ep.Envs) != 2 ||
		len(ep.Volumes) != 1 || ep.AppName != "lifecycle-app" {
		t.Errorf("after update: %+v", ep)
	}

	// The storage and credential are in use while the endpoint exists.
	if err := c.DeleteCloudStorage(ctx, storageID); !client.HasReason(err, "NETWORK_STORAGE_IN_USE") {
		t.Errorf("deleting mounted storage: %v", err)
	}
	if err := c.DeleteRegistryCredential(ctx, authID); !client.HasReason(err, "IMAGE_AUTH_IN_USE") {
		t.Errorf("deleting a credential in use: %v", err)
	}

	if err := c.DeleteEndpoint(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := c.WaitForEndpointDeleted(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetEndpoint(ctx, id); !client.IsNotFound(err) {
		t.Errorf("after delete: %v, want not found", err)
	}
	if _, err := c.WaitForEndpointServing(ctx, id); !client.IsNotFound(err) {
		t.Errorf("waiting on a deleted endpoint: %v, want not found", err)
	}
	if err := c.DeleteCloudStorage(ctx, storageID); err != nil {
		t.Errorf("deleting storage after the endpoint: %v", err)
	}
	if err := c.DeleteRegistryCredential(ctx, authID); err != nil {
		t.Errorf("deleting the credential after the endpoint: %v", err)
	}
}

func TestEmulatorFailedEndpoint(t *testing.T) {
	c, _ := newEmulatorClient(t)
	ctx := testContext(t)
	spec := endpointSpec("broken")
	spec.Image = emulator.UnpullableImage
	id, err := c.CreateEndpoint(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.WaitForEndpointServing(ctx, id)
	var failed *client.EndpointFailedError
	if !errors.As(err, &failed) || failed.State != client.StatusFailed || failed.Message == "" || failed.ID != id {
		t.Fatalf("err = %v, want an *EndpointFailedError with the API's message", err)
	}
}

func TestEmulatorValidationErrors(t *testing.T) {
	c, _ := newEmulatorClient(t)
	ctx := testContext(t)
	spec := endpointSpec("bad-port")
	spec.Ports = []client.Int{2222}
	_, err := c.CreateEndpoint(ctx, spec)
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || apiErr.Message == "" || errors.Is(err, client.ErrMaybeCreated) {
		t.Errorf("reserved port: %v, want a plain 400 with a message", err)
	}

	id, err := c.CreateEndpoint(ctx, endpointSpec("dup"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateEndpoint(ctx, endpointSpec("dup")); !client.HasReason(err, "SERVERLESS_APP_NAME_IS_EXIST") {
		t.Errorf("duplicate app name: %v", err)
	}
	if _, err := c.GetEndpoint(ctx, id+"0"); !client.IsNotFound(err) {
		t.Errorf("unknown endpoint: %v, want not found", err)
	}
}

func TestEmulatorJobCancel(t *testing.T) {
	c, _ := newEmulatorClient(t)
	ctx := testContext(t)
	spec := endpointSpec("sleeper")
	spec.Image = "novitalabs/sleep-worker:latest"
	id, err := c.CreateEndpoint(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitForEndpointServing(ctx, id); err != nil {
		t.Fatal(err)
	}
	name := client.JobName(id, spec.AppName)
	job, err := c.SubmitJob(ctx, name, json.RawMessage(`{"seconds": 86400}`))
	if err != nil {
		t.Fatal(err)
	}
	cancelled, err := c.CancelJob(ctx, name, job.ID)
	if err != nil || cancelled.ID != job.ID || cancelled.Status != client.JobCancelled {
		t.Fatalf("CancelJob = %+v, %v", cancelled, err)
	}
	if done, err := c.WaitForJob(ctx, name, job.ID); err != nil || done.Status != client.JobCancelled {
		t.Errorf("WaitForJob after cancel = %+v, %v", done, err)
	}
}

func TestEmulatorWrongKey(t *testing.T) {
	_, srv := emulatortest.Start(t, emulator.Options{})
	const wrongKey = "sk_wrong_but_secret"
	c, err := client.New(client.Config{APIKey: wrongKey, BaseURL: srv.URL, AsyncBaseURL: srv.URL + "/v1"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListClusters(testContext(t))
	if !client.HasReason(err, "UNAUTHORIZED") || strings.Contains(err.Error(), wrongKey) {
		t.Errorf("wrong key: %v", err)
	}
}

func TestEmulatorFaults(t *testing.T) {
	c, emu := newEmulatorClient(t)
	ctx := testContext(t)
	const createPath = "POST /gpus/v2/endpoints"
	const listPath = "GET /gpus/v2/endpoints"

	// A read is retried through 503s.
	emu.InjectFault(emulator.Fault{Method: "GET", Path: "/gpus/v2/endpoints", Status: http.StatusServiceUnavailable, Times: 2})
	if _, err := c.ListEndpoints(ctx, ""); err != nil || emu.Requests(listPath) != 3 {
		t.Errorf("list through 503s: %v after %d requests", err, emu.Requests(listPath))
	}

	// A create is retried on 429 with Retry-After.
	emu.InjectFault(emulator.Fault{Method: "POST", Path: "/gpus/v2/endpoints", Status: http.StatusTooManyRequests, RetryAfter: "0"})
	if _, err := c.CreateEndpoint(ctx, endpointSpec("after-429")); err != nil || emu.Requests(createPath) != 2 {
		t.Errorf("create after 429: %v after %d requests", err, emu.Requests(createPath))
	}
	// A create answered 500 is reconciled: no endpoint has its app name, so it is sent again.
	emu.InjectFault(emulator.Fault{Method: "POST", Path: "/gpus/v2/endpoints", Status: http.StatusInternalServerError})
	if _, err := c.CreateEndpoint(ctx, endpointSpec("after-500")); err != nil || emu.Requests(createPath) != 4 {
		t.Errorf("create on 500: %v after %d requests, want success on the second attempt", err, emu.Requests(createPath))
	}
	// A create carried out and then answered 502 (or dropped) is found by its app name, not made twice.
	emu.SetFaultPlan(emulator.FaultPlan{Rules: []emulator.FaultRule{{Method: "POST", Path: "/gpus/v2/endpoints", ActedThenFail: 1}}})
	defer emu.SetFaultPlan(emulator.FaultPlan{})
	for _, name := range []string{"acted-502", "acted-dropped"} {
		id, err := c.CreateEndpoint(ctx, endpointSpec(name))
		eps, _ := c.ListEndpoints(ctx, name+"-app")
		if err != nil || len(eps) != 1 || eps[0].ID != id {
			t.Errorf("%s: id %q, %v; the API holds %d endpoints with its app name, want the one returned", name, id, err, len(eps))
		}
	}
	if s := emu.FaultStats(); s.ActedThenFailed != 2 {
		t.Errorf("faults: %s; want 2 acted then failed", s)
	}
}

// TestEmulatorEndpointTypes: the type sent on create is the endpoint's type (the reason endpoints
// moved to v2: v1 has no type field).
func TestEmulatorEndpointTypes(t *testing.T) {
	c, emu := newEmulatorClient(t)
	ctx := testContext(t)
	for _, typ := range []string{client.EndpointAsync, client.EndpointSync} {
		spec := endpointSpec("typed-" + typ)
		spec.Type = typ
		id, err := c.CreateEndpoint(ctx, spec)
		if err != nil {
			t.Fatalf("create %s: %v", typ, err)
		}
		if e, ok := emu.Endpoint(id); !ok || e.Type != typ {
			t.Errorf("emulator holds type %q for a %s create", e.Type, typ)
		}
		if ep, err := c.GetEndpoint(ctx, id); err != nil || ep.Type != typ {
			t.Errorf("GetEndpoint type = %q, %v; want %s", ep.Type, err, typ)
		}
	}
}

// TestEmulatorProductChangeIsOnePut: an in-place product change is one PUT that keeps the id.
func TestEmulatorProductChangeIsOnePut(t *testing.T) {
	c, emu := newEmulatorClient(t)
	ctx := testContext(t)
	spec := endpointSpec("moving")
	id, err := c.CreateEndpoint(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitForEndpointServing(ctx, id); err != nil {
		t.Fatal(err)
	}
	var other string
	for _, p := range emulator.Products {
		if p.ID != spec.ProductID && p.ResourceSpec.GPU.Max >= 1 && slices.Contains(p.RegionIDs, emulatorEndpointRegion(t, c, id)) {
			other = p.ID
			break
		}
	}
	if other == "" {
		t.Skip("the emulator's catalogue has no second product in the endpoint's region")
	}
	spec.ProductID = other
	if err := c.UpdateEndpoint(ctx, id, spec.EndpointConfig); err != nil {
		t.Fatal(err)
	}
	ep, err := c.WaitForEndpointServing(ctx, id)
	if err != nil || ep.ID != id || ep.ProductID != other {
		t.Fatalf("after the product change: %+v, %v", ep, err)
	}
	if n := emu.Requests("PUT /gpus/v2/endpoints/{endpoint_id}"); n != 1 {
		t.Errorf("%d PUTs, want exactly one", n)
	}
}

func emulatorEndpointRegion(t *testing.T, c *client.Client, id string) string {
	t.Helper()
	ep, err := c.GetEndpoint(testContext(t), id)
	if err != nil {
		t.Fatal(err)
	}
	return ep.RegionID
}

// TestEmulatorReconcilesThroughKeyword: a create whose answer is lost after the emulator acted
// is found again by its app name through the list's keyword search.
func TestEmulatorReconcilesThroughKeyword(t *testing.T) {
	c, emu := newEmulatorClient(t)
	ctx := testContext(t)
	for i := range 3 { // neighbours whose names contain the app name must not match
		if _, err := c.CreateEndpoint(ctx, endpointSpec(fmt.Sprintf("lost-%d", i))); err != nil {
			t.Fatal(err)
		}
	}
	id, err := c.CreateEndpoint(ctx, endpointSpec("lost"))
	if err != nil {
		t.Fatal(err)
	}
	found, err := c.FindEndpointByAppName(ctx, "lost-app")
	if err != nil || found == nil || found.ID != id {
		t.Fatalf("FindEndpointByAppName = %+v, %v; want %s", found, err, id)
	}
	if emu.Requests("GET /gpus/v2/endpoints") == 0 {
		t.Error("the reconciliation did not use the list")
	}
}
