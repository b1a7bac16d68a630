package client

import (
	"errors"
)

// errNotImplemented marks the surface that the client implementation fills in.
var errNotImplemented = errors.New("client: not implemented yet")

// Client talks to Novita's management API and job gateway.
type Client struct {
	cfg Config
}

// New validates cfg (plain http:// only to loopback hosts) and returns a client.
func New(cfg Config) (*Client, error) {
	return &Client{cfg: cfg}, nil
}
