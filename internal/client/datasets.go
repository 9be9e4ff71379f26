package client

import (
	"context"
	"net/http"
)

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
