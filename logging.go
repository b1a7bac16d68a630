package main

import "os"

// logVariables are the environment variables through which Terraform users ask for logs. When any
// of them is set, the provider logs exactly as the plugin libraries do by default.
var logVariables = []string{
	"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_PROVIDER_NOVITA",
	"TF_LOG_SDK", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_SDK_PROTO",
}

// sdkLogLevelVariables set the levels of the plugin SDK's own loggers (terraform-plugin-go's root
// and protocol loggers, terraform-plugin-framework's). Unset, each logs at TRACE.
var sdkLogLevelVariables = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"}

// quietSDKLogs turns the SDK's loggers off when no log was asked for. Unset, they log every RPC at
// TRACE, serialized as JSON to stderr, which Terraform then reads and throws away: up to a third of
// the provider's CPU in a large plan (terraform-plugin-framework issue 1269). The loggers read
// these variables when each request starts, so setting them before serving is enough, and each
// subsystem's own variable must be "off" for the library to skip a call before building its line.
// It returns whether it turned them off.
func quietSDKLogs(getenv func(string) string, setenv func(key, value string) error) (bool, error) {
	for _, name := range logVariables {
		if getenv(name) != "" {
			return false, nil
		}
	}
	for _, name := range sdkLogLevelVariables {
		if err := setenv(name, "off"); err != nil {
			return false, err
		}
	}
	return true, nil
}

// quietSDKLogsInProcess applies quietSDKLogs to this process's environment.
func quietSDKLogsInProcess() error {
	_, err := quietSDKLogs(os.Getenv, os.Setenv)
	return err
}
