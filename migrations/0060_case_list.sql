-- The web console's case list (docs/web-console.md): one page is read in waiting-time order
-- (status_since, reference) with keyset pagination, so each filter has an index that delivers rows in
-- that order and the query stops after one page, whatever the size of the table (DESIGN.md §5).
CREATE INDEX cases_waiting ON cases (status_since, reference);
CREATE INDEX cases_status_waiting ON cases (status, status_since, reference);
CREATE INDEX cases_municipality_waiting ON cases (municipality, status_since, reference);
CREATE INDEX cases_referrer_waiting ON cases (referrer_key, status_since, reference);
