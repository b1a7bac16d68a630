package provider

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/novitalabs/terraform-provider-novita/internal/client"
)

func TestEndpointLimitsFromAPI(t *testing.T) {
	l := &client.EndpointLimits{MinWorkerNum: 0, MaxWorkerNum: 100, MinGPUNum: 1, MaxGPUNum: 8, MaxRequestTimeout: 3600, CudaVersionList: []string{"12.1", "12.4"}}
	m := endpointLimitsFromAPI(l)
	if m.MinWorkerNum != types.Int64Value(0) || m.MaxWorkerNum != types.Int64Value(100) || m.MinGPUNum != types.Int64Value(1) ||
		m.MaxGPUNum != types.Int64Value(8) || m.MaxRequestTimeout != types.Int64Value(3600) || strings.Join(m.CudaVersions, ",") != "12.1,12.4" {
		t.Errorf("endpointLimitsFromAPI() = %+v", m)
	}
	if empty := endpointLimitsFromAPI(&client.EndpointLimits{}); empty.CudaVersions == nil {
		t.Error("no CUDA versions must map to an empty list, not null")
	}
}

// snakeCase turns the API's camelCase field names into attribute names: minGPUNum -> min_gpu_num.
func snakeCase(s string) string {
	var b strings.Builder
	r := []rune(s)
	for i, c := range r {
		if unicode.IsUpper(c) && i > 0 && (unicode.IsLower(r[i-1]) || (i+1 < len(r) && unicode.IsLower(r[i+1]))) {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToLower(c))
	}
	return b.String()
}

// Every limit of /endpoint/limit appears under its snake_case name with the API's value.
func TestAccEndpointLimitsDataSource_basic(t *testing.T) {
	env := newTestEnv(t)
	limits, err := env.api.GetEndpointLimits(context.Background())
	if err != nil {
		t.Fatalf("GetEndpointLimits: %v", err)
	}
	raw, _ := json.Marshal(limits)
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		t.Fatal(err)
	}
	var checks []statecheck.StateCheck
	for name, v := range fields {
		if name == "cudaVersionList" {
			continue
		}
		var n int64
		if err := json.Unmarshal(v, &n); err != nil {
			t.Fatalf("limit %s = %s: %v", name, v, err)
		}
		checks = append(checks, statecheck.ExpectKnownValue("data.novita_endpoint_limits.this", tfjsonpath.New(snakeCase(name)), knownvalue.Int64Exact(n)))
	}
	if len(checks) != 20 {
		t.Fatalf("the API reports %d numeric limits, want the 20 of the contract", len(checks))
	}
	cuda := make([]knownvalue.Check, 0, len(limits.CudaVersionList))
	for _, v := range limits.CudaVersionList {
		cuda = append(cuda, knownvalue.StringExact(v))
	}
	checks = append(checks, statecheck.ExpectKnownValue("data.novita_endpoint_limits.this", tfjsonpath.New("cuda_versions"), knownvalue.ListExact(cuda)))

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            env.config(`data "novita_endpoint_limits" "this" {}`),
				ConfigStateChecks: checks,
			},
		},
	})
}
