"""Reports: charts (server-rendered SVG), and later PDF reports, XLSX and open data."""
