"""Records: uploaded documents (PDF, text, FHIR JSON, HL7 v2) read into a diagnosis profile with evidence."""
