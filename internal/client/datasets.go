package client

import (
	"context"
	"net/http"
)

// DatasetsService reads and creates datasets: only what tests of token scopes need.
type DatasetsService interface {
	List(ctx context.Context) ([]*Dataset, error)
	Create(ctx context.Context, name string) (*Dataset, error)
}

// Datasets is c's datasets service. Only tests use it (no resource manages datasets): it is not a
// field of Client, so the provider binary does not link it.
func Datasets(c *Client) DatasetsService {
	return &datasets{c.core}
}

var _ DatasetsService = (*datasets)(nil)

// datasets implements DatasetsService.
type datasets struct {
	c *core
}

type datasetCreate struct {
	Name string `json:"name"`
}

// List lists the organization's datasets, every page.
func (s *datasets) List(ctx context.Context) ([]*Dataset, error) {
	return listAll[Dataset](ctx, s.c, "/datasets", nil)
}

// Create creates a dataset (needs write access).
func (s *datasets) Create(ctx context.Context, name string) (*Dataset, error) {
	if err := requireNonEmpty("name", name); err != nil {
		return nil, err
	}
	return doJSON[Dataset](ctx, s.c, &request{method: http.MethodPost, path: "/datasets", body: datasetCreate{Name: name}})
}
