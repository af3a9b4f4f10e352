// Package assets holds what Enlace ships besides code: the demo data
// generator and its name lists (package assets/demo).
package assets
