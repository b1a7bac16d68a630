package client

// Int is an integer the API sends either as a JSON number or as a numeric string ("300").
type Int int64
